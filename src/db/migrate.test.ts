import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MIGRATIONS, type MigrationFile } from "../../sql/index.ts";
import { DatabaseError } from "./errors.ts";
import { migrate } from "./migrate.ts";
import { type EngineKind, openTestDatabase, type TestDatabase } from "./testing.ts";

const concurrent: MigrationFile = {
  version: 900,
  name: "900_concurrent.sql",
  // The sleep holds the first applier inside the migration while the others arrive: without the lock they would apply it too.
  text: "SELECT pg_sleep(0.3); CREATE TABLE concurrent_probe (id integer PRIMARY KEY); INSERT INTO concurrent_probe VALUES (1);",
};
const broken: MigrationFile = {
  version: 901,
  name: "901_broken.sql",
  text: "CREATE TABLE broken_probe (id integer); SELECT no_such_function();",
};

async function rejection(promise: Promise<unknown>): Promise<DatabaseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DatabaseError) return error;
    throw error;
  }
  throw new Error("expected a DatabaseError, got success");
}

// The cases run in order on one database per engine: each builds on the state the previous one left.
for (const kind of ["server", "embedded"] as EngineKind[]) {
  describe(`migrate (${kind})`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await openTestDatabase(kind, { migrate: false });
    });
    afterAll(async () => {
      await t?.close();
    });

    test("from empty applies every file and builds the schema", async () => {
      const sql = t.db.sql;
      const before = await sql`SELECT to_regclass('genesis_migrations') AS t`;
      expect(before[0]!.t).toBeNull();

      const result = await migrate(sql);
      expect(result).toEqual({ applied: MIGRATIONS.map((m) => m.name), current: MIGRATIONS.at(-1)!.version });

      const recorded = await sql`SELECT version, name, length(checksum) AS len FROM genesis_migrations ORDER BY version`;
      expect(recorded.map((r) => [r.version, r.name, r.len])).toEqual(MIGRATIONS.map((m) => [m.version, m.name, 64]));
      const tables = await sql`
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`;
      expect(tables.map((r) => r.relname)).toEqual([
        "anomalies", "book_snapshots", "feature_sets", "features", "gaps", "genesis_migrations", "partitioned_tables", "recorder_progress", "trades",
      ]);
      // No TimescaleDB here: the five time-series tables are natively partitioned.
      const partitioned = await sql`SELECT name FROM partitioned_tables ORDER BY name`;
      expect(partitioned.map((r) => r.name)).toEqual(["anomalies", "book_snapshots", "features", "gaps", "trades"]);
    });

    test("re-running is a no-op", async () => {
      const sql = t.db.sql;
      const before = await sql`SELECT version, applied_at FROM genesis_migrations ORDER BY version`;
      expect(await migrate(sql)).toEqual({ applied: [], current: MIGRATIONS.at(-1)!.version });
      const after = await sql`SELECT version, applied_at FROM genesis_migrations ORDER BY version`;
      expect(after).toEqual(before);
    });

    test("concurrent calls apply a new migration exactly once", async () => {
      const files = [...MIGRATIONS, concurrent];
      const other = t.otherClient();
      await other`SELECT 1`; // connected before the race starts
      const results = await Promise.all([migrate(t.db.sql, files), migrate(other, files), migrate(t.db.sql, files)]);
      const appliers = results.filter((r) => r.applied.length > 0);
      expect(appliers).toEqual([{ applied: ["900_concurrent.sql"], current: 900 }]);
      expect(results.map((r) => r.current)).toEqual([900, 900, 900]);
      const rows = await t.db.sql`SELECT count(*) AS n FROM genesis_migrations WHERE version = 900`;
      expect(rows[0]!.n).toBe(1);
      const probe = await t.db.sql`SELECT count(*) AS n FROM concurrent_probe`;
      expect(probe[0]!.n).toBe(1);
    });

    test("a failing migration is rolled back and names its file", async () => {
      const error = await rejection(migrate(t.db.sql, [...MIGRATIONS, concurrent, broken]));
      expect(error.code).toBe("migration_failed");
      expect(error.message).toContain("sql/901_broken.sql");
      expect(error.message).toContain("no_such_function");
      const leftovers = await t.db.sql`SELECT to_regclass('broken_probe') AS t, (SELECT count(*) FROM genesis_migrations WHERE version = 901) AS n`;
      expect(leftovers[0]).toEqual({ t: null, n: 0 });
      // The client is still usable and the advisory lock was released.
      expect(await migrate(t.otherClient(), [...MIGRATIONS, concurrent])).toEqual({ applied: [], current: 900 });
    });

    test("an applied file whose text changed is an error naming it", async () => {
      const edited = MIGRATIONS.map((m) => (m.version === 1 ? { ...m, text: `${m.text}\n-- an edit after the fact\n` } : m));
      const error = await rejection(migrate(t.db.sql, [...edited, concurrent]));
      expect(error.code).toBe("migration_changed");
      expect(error.message).toContain("sql/001_market_data.sql");
    });

    test("a database ahead of this build is an error naming the unknown migration", async () => {
      const error = await rejection(migrate(t.db.sql, MIGRATIONS));
      expect(error.code).toBe("migration_unknown");
      expect(error.message).toContain("900 (900_concurrent.sql)");
    });

    test("file versions must match their numbers and ascend", async () => {
      const misnumbered = { ...concurrent, version: 899 };
      await expect(migrate(t.db.sql, [...MIGRATIONS, misnumbered])).rejects.toThrow("900_concurrent.sql has version 899");
      await expect(migrate(t.db.sql, [concurrent, ...MIGRATIONS])).rejects.toThrow("must match the file number and ascend");
    });
  });
}
