/** A PostgreSQL server reached through a postgres.js pool. */
import postgres from "postgres";
import type { Database } from "./database.ts";
import { DatabaseError, messageOf, redactUrl } from "./errors.ts";
import { INT8_AS_NUMBER } from "./types.ts";

/** Connections in the pool: the recorder's writer, the history API and a spare. */
const POOL_SIZE = 4;

export async function openServer(url: string): Promise<Database> {
  const shown = redactUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new DatabaseError("bad_url", `invalid database URL ${shown}: ${messageOf(error)}`);
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new DatabaseError("bad_url", `invalid database URL ${shown}: expected postgres:// or postgresql://, got ${parsed.protocol}//`);
  }
  const sql = postgres(url, {
    max: POOL_SIZE,
    onnotice: () => {}, // "relation already exists, skipping" and friends
    connect_timeout: 10, // seconds
    idle_timeout: 60, // seconds; close idle connections, reopen on demand
    max_lifetime: 60 * 60, // seconds
    connection: { application_name: "genesis" },
    types: { bigint: INT8_AS_NUMBER },
  });
  const where = describeServer(parsed, sql.options);
  try {
    await sql`SELECT 1`;
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw new DatabaseError("connect_failed", `cannot connect to PostgreSQL at ${where}: ${messageOf(error)}`, { cause: error });
  }
  let closing: Promise<void> | undefined;
  return {
    sql,
    kind: "server",
    description: where,
    close: () => (closing ??= sql.end({ timeout: 5 })),
  };
}

/** `postgres://user@host:port/db` from the options postgres.js resolved (it fills defaults from PG* variables). */
function describeServer(parsed: URL, options: { host: string[]; port: number[]; user: string; database: string }): string {
  const hosts = options.host.map((h, i) => `${h.includes(":") ? `[${h}]` : h}:${options.port[i] ?? options.port[0]}`).join(",");
  return `${parsed.protocol}//${options.user ? `${options.user}@` : ""}${hosts}/${options.database}`;
}
