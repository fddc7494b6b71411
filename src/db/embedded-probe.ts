/**
 * A tiny program for the tests: opens the embedded database in the data dir
 * given as its argument (migrating it), writes one row to a probe table and
 * prints what it reads back as JSON. Run from source, and compiled with
 * `bun build --compile` to prove PGlite works inside the single binary.
 * Exits 1 with the error's code and message on failure.
 */
import { openDatabase } from "./database.ts";
import { DatabaseError } from "./errors.ts";

const dataDir = process.argv[2];
if (!dataDir) {
  console.error("usage: embedded-probe <data-dir>");
  process.exit(2);
}
try {
  const startedMs = performance.now();
  const db = await openDatabase({ dataDir });
  const openMs = Math.round(performance.now() - startedMs);
  try {
    await db.sql`CREATE TABLE IF NOT EXISTS probe (n serial PRIMARY KEY, ts timestamptz NOT NULL, xs double precision[] NOT NULL)`;
    const tsMs = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    await db.sql`INSERT INTO probe (ts, xs) VALUES (${new Date(tsMs)}, ${[0.1 + 0.2, -1e-300, 42]})`;
    const rows = await db.sql`SELECT n, ts, xs FROM probe ORDER BY n`;
    const migrations = await db.sql`SELECT name FROM genesis_migrations ORDER BY version`;
    const last = rows.at(-1)!;
    console.log(
      JSON.stringify({
        kind: db.kind,
        description: db.description,
        openMs,
        rows: rows.length,
        tsMs: (last.ts as Date).getTime(),
        xs: last.xs,
        migrations: migrations.map((m) => m.name),
      }),
    );
  } finally {
    await db.close();
  }
} catch (error) {
  console.error(error instanceof DatabaseError ? `${error.code}: ${error.message}` : String(error));
  process.exit(1);
}
