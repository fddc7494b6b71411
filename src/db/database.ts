/**
 * The one way Genesis opens its database. With a URL, a PostgreSQL server
 * (postgres.js pool); without, an embedded PostgreSQL (PGlite) under
 * `<dataDir>/pg`, served on a private 127.0.0.1 port and reached with the
 * same postgres.js client, so every query, the recorder's included, takes the
 * same code path on both engines. Migrations run on open unless told not to.
 */
import type { Sql } from "postgres";
import { openEmbedded } from "./embedded.ts";
import { migrate as runMigrations } from "./migrate.ts";
import { openServer } from "./server.ts";

export interface Database {
  /** postgres.js, for every query (server or embedded). */
  readonly sql: Sql;
  readonly kind: "server" | "embedded";
  /** For logs and /health: `postgres://user@host:5432/db` (never the password) or `embedded PGlite at <dir>/pg`. */
  readonly description: string;
  /** Ends the client; for the embedded engine also stops its socket server, flushes and closes PGlite and releases the data-dir lock. Idempotent. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A postgres:// URL (from --db or DATABASE_URL); absent → embedded. */
  url?: string;
  /** Where the embedded engine keeps its files (`<dataDir>/pg`); unused with a URL. */
  dataDir: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const url = options.url?.trim();
  const db = url ? await openServer(url) : await openEmbedded(options.dataDir);
  if (options.migrate !== false) {
    try {
      await runMigrations(db.sql);
    } catch (error) {
      await db.close().catch(() => {});
      throw error;
    }
  }
  return db;
}
