/**
 * The embedded engine: PGlite (PostgreSQL compiled to WebAssembly, in this
 * process) with its files under `<dataDir>/pg`, served on 127.0.0.1 (an
 * OS-chosen port) by pglite-socket, and postgres.js connected to that, so the
 * rest of Genesis cannot tell it from a server.
 *
 * PGlite is one PostgreSQL session. pglite-socket multiplexes its clients
 * message by message, so two clients could interleave one another's
 * extended-protocol messages (Parse/Bind/Execute) in that one session: we
 * allow exactly one connection, postgres.js queues every query on it, and
 * the connection never idles out (a reconnect could race the old socket's
 * slot). Creating a new data directory runs initdb: 2 to 4 s on our 2-core
 * machines; reopening one takes about 0.3 s. A kill -9 loses nothing that was
 * committed (PostgreSQL's WAL replays on the next open).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import postgres from "postgres";
import { type DataDirLock, lockDataDir } from "./data-dir-lock.ts";
import type { Database } from "./database.ts";
import { DatabaseError, messageOf } from "./errors.ts";
import { loadPgliteAssets } from "./pglite-assets.ts";
import { INT8_AS_NUMBER } from "./types.ts";

export async function openEmbedded(dataDir: string): Promise<Database> {
  const pgDir = path.resolve(dataDir, "pg");
  const description = `embedded PGlite at ${pgDir}`;
  mkdirSync(pgDir, { recursive: true });
  const lock = lockDataDir(path.resolve(dataDir, "pg.lock"), description);

  let pg: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    const assets = await loadPgliteAssets();
    pg = await PGlite.create({ dataDir: pgDir, ...assets });
    server = new PGLiteSocketServer({ db: pg, host: "127.0.0.1", port: 0, maxConnections: 1 });
    await server.start();
  } catch (error) {
    await shutDown(undefined, server, pg, lock);
    throw new DatabaseError("embedded_start_failed", `${description} did not start: ${messageOf(error)}`, { cause: error });
  }

  const [host, port] = splitHostPort(server.getServerConn());
  const sql = postgres({
    host,
    port,
    database: "postgres",
    username: "postgres",
    max: 1,
    onnotice: () => {},
    connect_timeout: 30, // seconds; PGlite may be busy with a long statement
    idle_timeout: 0, // never: see the module comment
    max_lifetime: 0,
    connection: { application_name: "genesis" },
    types: { bigint: INT8_AS_NUMBER },
  });
  try {
    await sql`SELECT 1`;
  } catch (error) {
    await shutDown(sql, server, pg, lock);
    throw new DatabaseError("embedded_start_failed", `${description}: cannot connect to its socket server at ${host}:${port}: ${messageOf(error)}`, {
      cause: error,
    });
  }

  let closing: Promise<void> | undefined;
  return {
    sql,
    kind: "embedded",
    description,
    close: () => (closing ??= shutDown(sql, server, pg, lock)),
  };
}

/** Client first (so nothing is mid-query), then the socket server, then PGlite (which flushes to disk), then the lock. */
async function shutDown(
  sql: postgres.Sql | undefined,
  server: PGLiteSocketServer | undefined,
  pg: PGlite | undefined,
  lock: DataDirLock,
): Promise<void> {
  try {
    await sql?.end({ timeout: 5 }).catch(() => {});
    await server?.stop().catch(() => {});
    if (pg && !pg.closed) await pg.close();
  } finally {
    lock.release();
  }
}

function splitHostPort(conn: string): [string, number] {
  const at = conn.lastIndexOf(":");
  const port = Number(conn.slice(at + 1));
  if (at < 0 || !Number.isInteger(port) || port <= 0) throw new Error(`pglite-socket reported an unexpected address: ${conn}`);
  return [conn.slice(0, at), port];
}
