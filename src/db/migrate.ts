/**
 * Forward-only migration runner. Applies the numbered files of `sql/` that a
 * database lacks, each in its own transaction, and records them (with a
 * checksum of the text) in `genesis_migrations`. Re-running is a no-op; an
 * applied file whose text changed, or a database that is ahead of this build,
 * is an error rather than a guess.
 *
 * Concurrency: everything runs on one reserved connection holding a session
 * advisory lock, so two processes (or two calls) starting at once apply each
 * migration exactly once; the second waits, then finds nothing to do.
 */
import { createHash } from "node:crypto";
import type { Sql } from "postgres";
import { MIGRATIONS, type MigrationFile } from "../../sql/index.ts";
import { DatabaseError, messageOf } from "./errors.ts";

/** Arbitrary constant shared by every Genesis process: the advisory lock that serialises migrations. */
const MIGRATION_LOCK_KEY = 4_711_020_251n;

export interface MigrateResult {
  /** File names applied by this call, in order. */
  readonly applied: string[];
  /** The highest applied version after this call (0 for none). */
  readonly current: number;
}

export function checksumOf(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export async function migrate(sql: Sql, migrations: readonly MigrationFile[] = MIGRATIONS): Promise<MigrateResult> {
  checkOrder(migrations);
  const conn = await sql.reserve();
  try {
    await conn.unsafe(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      return await migrateLocked(conn, migrations);
    } finally {
      // If the connection died the server dropped the lock with the session.
      await conn.unsafe(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).catch(() => {});
    }
  } finally {
    conn.release();
  }
}

async function migrateLocked(conn: Sql, migrations: readonly MigrationFile[]): Promise<MigrateResult> {
  await conn`
    CREATE TABLE IF NOT EXISTS genesis_migrations (
      version     integer PRIMARY KEY,
      name        text        NOT NULL,
      checksum    text        NOT NULL,
      applied_at  timestamptz NOT NULL DEFAULT now()
    )`;
  const rows = await conn<{ version: number; name: string; checksum: string }[]>`
    SELECT version, name, checksum FROM genesis_migrations ORDER BY version`;
  const known = new Map(migrations.map((m) => [m.version, m]));
  const appliedVersions = new Set<number>();
  for (const row of rows) {
    const file = known.get(row.version);
    if (!file) {
      const newest = migrations.at(-1)?.version ?? 0;
      throw new DatabaseError(
        "migration_unknown",
        `database has migration ${row.version} (${row.name}) but this build knows only up to ${newest}: run a newer Genesis`,
      );
    }
    if (checksumOf(file.text) !== row.checksum) {
      throw new DatabaseError(
        "migration_changed",
        `migration sql/${file.name} changed after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${checksumOf(file.text).slice(0, 12)}… in the file): migrations are forward-only, add a new numbered file instead`,
      );
    }
    appliedVersions.add(row.version);
  }

  const applied: string[] = [];
  for (const file of migrations) {
    if (appliedVersions.has(file.version)) continue;
    await applyOne(conn, file);
    applied.push(file.name);
    appliedVersions.add(file.version);
  }
  return { applied, current: Math.max(0, ...appliedVersions) };
}

async function applyOne(conn: Sql, file: MigrationFile): Promise<void> {
  await conn`BEGIN`;
  try {
    // Simple-query protocol: a file may hold many statements and DO blocks.
    await conn.unsafe(file.text);
    await conn`
      INSERT INTO genesis_migrations (version, name, checksum)
      VALUES (${file.version}, ${file.name}, ${checksumOf(file.text)})`;
    await conn`COMMIT`;
  } catch (error) {
    await conn`ROLLBACK`.catch(() => {});
    throw new DatabaseError("migration_failed", `migration sql/${file.name} failed and was rolled back: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

function checkOrder(migrations: readonly MigrationFile[]): void {
  for (let i = 0; i < migrations.length; i++) {
    const m = migrations[i]!;
    const prefix = Number.parseInt(m.name, 10);
    if (prefix !== m.version || (i > 0 && m.version <= migrations[i - 1]!.version)) {
      throw new Error(`sql/index.ts: migration ${m.name} has version ${m.version}: versions must match the file number and ascend`);
    }
  }
}
