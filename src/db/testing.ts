/**
 * Test support: a scratch database on the real PostgreSQL server (created in
 * the `test` database's cluster, dropped after) and temporary data dirs for
 * the embedded engine. The server is GENESIS_TEST_DATABASE_URL, or the local
 * one our machines and CI run at 127.0.0.1:5432 (trust auth).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres, { type Sql } from "postgres";
import { type Database, openDatabase } from "./database.ts";

export const TEST_SERVER_URL = process.env.GENESIS_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface ScratchDatabase {
  /** URL of the new, empty database. */
  readonly url: string;
  readonly name: string;
  /** Drops it, disconnecting any client still on it. */
  drop(): Promise<void>;
}

export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const name = `genesis_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(TEST_SERVER_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const admin = postgres(TEST_SERVER_URL, { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

export interface TempDir {
  readonly path: string;
  remove(): void;
}

export function makeTempDir(prefix = "genesis-db-"): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export type EngineKind = "server" | "embedded";

export interface TestDatabase {
  readonly db: Database;
  /** The scratch database's URL (server) or the temp data dir (embedded). */
  readonly where: string;
  /** Another client on the same database: a separate pool for the server, the same client for the embedded engine (one connection only). */
  otherClient(): Sql;
  close(): Promise<void>;
}

/** A fresh database of either kind, for one test file to share (the embedded one takes seconds to create). */
export async function openTestDatabase(kind: EngineKind, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  if (kind === "server") {
    const scratch = await createScratchDatabase();
    const db = await openDatabase({ url: scratch.url, dataDir: "unused", migrate: options.migrate ?? true });
    const others: Sql[] = [];
    return {
      db,
      where: scratch.url,
      otherClient() {
        const sql = postgres(scratch.url, { max: 2, onnotice: () => {} });
        others.push(sql);
        return sql;
      },
      async close() {
        await Promise.all(others.map((sql) => sql.end()));
        await db.close();
        await scratch.drop();
      },
    };
  }
  const dir = makeTempDir();
  const db = await openDatabase({ dataDir: dir.path, migrate: options.migrate ?? true });
  return {
    db,
    where: dir.path,
    otherClient: () => db.sql,
    async close() {
      await db.close();
      dir.remove();
    },
  };
}
