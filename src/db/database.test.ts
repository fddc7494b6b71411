import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MIGRATIONS } from "../../sql/index.ts";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openDatabase } from "./database.ts";
import { DatabaseError, redactUrl } from "./errors.ts";
import { PartitionManager } from "./partitions.ts";
import { createScratchDatabase, type EngineKind, makeTempDir, openTestDatabase, type TestDatabase } from "./testing.ts";

async function rejection(promise: Promise<unknown>): Promise<DatabaseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DatabaseError) return error;
    throw error;
  }
  throw new Error("expected a DatabaseError, got success");
}

test("redactUrl drops the password, also from text that is not a URL", () => {
  expect(redactUrl("postgres://genesis:s3cr:et@db.example:5432/market")).toBe("postgres://genesis@db.example:5432/market");
  expect(redactUrl("postgresql://u:p w@h:notaport/d")).toBe("postgresql://u@h:notaport/d");
  expect(redactUrl("postgres://db.example/market")).toBe("postgres://db.example/market");
});

describe("server URLs", () => {
  test("the description names user, host and database, never the password", async () => {
    const scratch = await createScratchDatabase();
    try {
      const url = new URL(scratch.url);
      url.password = "hunter2"; // trust auth ignores it
      const db = await openDatabase({ url: url.toString(), dataDir: "unused", migrate: false });
      expect(db.kind).toBe("server");
      expect(db.description).toBe(`postgres://postgres@${url.hostname}:${url.port || 5432}/${scratch.name}`);
      expect((await db.sql`SELECT current_database() AS d`)[0]!.d).toBe(scratch.name);
      await db.close();
      await db.close(); // idempotent
    } finally {
      await scratch.drop();
    }
  });

  test("a refused connection is an error naming the host, without the password", async () => {
    const error = await rejection(openDatabase({ url: "postgres://genesis:hunter2@127.0.0.1:1/market", dataDir: "unused" }));
    expect(error.code).toBe("connect_failed");
    expect(error.message).toContain("postgres://genesis@127.0.0.1:1/market");
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.message).not.toContain("hunter2");
  });

  test("a missing database is an error naming it", async () => {
    const error = await rejection(openDatabase({ url: "postgres://postgres@127.0.0.1:5432/genesis_no_such_db", dataDir: "unused" }));
    expect(error.code).toBe("connect_failed");
    expect(error.message).toContain('database "genesis_no_such_db" does not exist');
  });

  test("a malformed or foreign URL is a bad_url error, password redacted", async () => {
    for (const url of ["postgres://u:hunter2@host:notaport/db", "mysql://u:hunter2@host/db"]) {
      const error = await rejection(openDatabase({ url, dataDir: "unused" }));
      expect(error.code).toBe("bad_url");
      expect(error.message).not.toContain("hunter2");
    }
  });
});

for (const kind of ["server", "embedded"] as EngineKind[]) {
  describe(`round trips (${kind})`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await openTestDatabase(kind);
      await new PartitionManager(t.db.sql).ensureDays("book_snapshots", [Date.UTC(2024, 0, 2)]);
      await new PartitionManager(t.db.sql).ensureDays("features", [Date.UTC(2024, 0, 2)]);
    });
    afterAll(async () => {
      await t?.close();
    });

    test("migrations ran on open", async () => {
      const rows = await t.db.sql`SELECT name FROM genesis_migrations ORDER BY version`;
      expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
      expect(t.db.kind).toBe(kind);
    });

    test("double precision[] and timestamptz to the millisecond", async () => {
      const sql = t.db.sql;
      const tsMs = Date.UTC(2024, 0, 2, 23, 59, 59, 999);
      const bidPx = Array.from({ length: 20 }, (_, i) => 42_000.1 - i * 0.1);
      const bidQty = Array.from({ length: 20 }, (_, i) => (i + 1) * 0.001);
      const row = {
        symbol: "BTCUSDT", ts: new Date(tsMs), local_ts: new Date(tsMs + 1), u: 2 ** 52 - 1, stale: true,
        bid_px: bidPx, bid_qty: bidQty, ask_px: [42_000.2], ask_qty: [],
      };
      await sql`INSERT INTO book_snapshots ${sql(row)}`;
      const [back] = await sql`SELECT * FROM book_snapshots WHERE symbol = 'BTCUSDT'`;
      expect((back!.ts as Date).getTime()).toBe(tsMs);
      expect((back!.local_ts as Date).getTime()).toBe(tsMs + 1);
      expect(back!.u).toBe(2 ** 52 - 1);
      expect(back!.stale).toBe(true);
      expect(back!.bid_px).toEqual(bidPx); // exact: float8 text output round-trips
      expect(back!.bid_qty).toEqual(bidQty);
      expect(back!.ask_px).toEqual([42_000.2]);
      expect(back!.ask_qty).toEqual([]);
    });

    test("non-finite and extreme values in feature rows survive", async () => {
      const sql = t.db.sql;
      const values = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1 + 0.2, -1e-308, 5e-324, Number.MAX_VALUE];
      const ts = new Date(Date.UTC(2024, 0, 2, 0, 0, 0, 1));
      await sql`
        INSERT INTO features (symbol, ts, local_ts, feature_set, mid, spread, feature_values)
        VALUES ('ETHUSDT', ${ts}, ${ts}, 1, ${Number.NaN}, ${null}, ${values})`;
      const [back] = await sql`SELECT mid, spread, feature_values FROM features WHERE symbol = 'ETHUSDT'`;
      expect(back!.mid).toBeNaN();
      expect(back!.spread).toBeNull();
      expect(back!.feature_values).toEqual(values);
    });

    test("bigint comes back as a number, and one too big for a number fails loudly", async () => {
      const [row] = await t.db.sql`SELECT count(*) AS n, 9007199254740991::bigint AS max_safe`;
      expect(row).toEqual({ n: 1, max_safe: Number.MAX_SAFE_INTEGER });
      await expect(t.db.sql`SELECT 9007199254740993::bigint AS big`).rejects.toThrow("does not fit a JS number");
      expect((await t.db.sql`SELECT 1 AS ok`)[0]!.ok).toBe(1); // the connection survives
    });
  });
}

describe("embedded engine", () => {
  const dir = makeTempDir();
  const lockPath = path.join(dir.path, "pg.lock");
  afterAll(() => dir.remove());

  test("data persists across close and reopen; the lock is held while open", async () => {
    const first = await openDatabase({ dataDir: dir.path });
    expect(first.description).toBe(`embedded PGlite at ${path.join(dir.path, "pg")}`);
    expect(readFileSync(lockPath, "utf8").trim()).toBe(String(process.pid));
    await first.sql`CREATE TABLE kept (v text)`;
    await first.sql`INSERT INTO kept VALUES ('before restart')`;
    await first.close();
    expect(existsSync(lockPath)).toBe(false);

    const second = await openDatabase({ dataDir: dir.path });
    try {
      expect((await second.sql`SELECT v FROM kept`).map((r) => r.v)).toEqual(["before restart"]);
    } finally {
      await second.close();
    }
  });

  test("a second opener in this process is refused while the first is open", async () => {
    const db = await openDatabase({ dataDir: dir.path, migrate: false });
    try {
      const error = await rejection(openDatabase({ dataDir: dir.path }));
      expect(error.code).toBe("data_dir_locked");
      expect(error.message).toContain("this process");
      expect(error.message).toContain(lockPath);
      expect((await db.sql`SELECT count(*) AS n FROM kept`)[0]!.n).toBe(1); // the first is unharmed
    } finally {
      await db.close();
    }
  });

  test("another process is refused with our pid; a lock left by a dead process is taken over", async () => {
    const db = await openDatabase({ dataDir: dir.path, migrate: false });
    try {
      const probe = Bun.spawnSync([process.execPath, path.join(import.meta.dir, "embedded-probe.ts"), dir.path]);
      expect(probe.exitCode).toBe(1);
      expect(probe.stderr.toString()).toContain(`data_dir_locked: embedded PGlite at ${path.join(dir.path, "pg")} is in use by process ${process.pid}`);
    } finally {
      await db.close();
    }
    const dead = Bun.spawnSync(["/bin/true"]);
    writeFileSync(lockPath, `${dead.pid}\n`);
    const again = await openDatabase({ dataDir: dir.path, migrate: false });
    expect(readFileSync(lockPath, "utf8").trim()).toBe(String(process.pid));
    await again.close();
  });

  test("a lock held by another live process names its pid", async () => {
    const holder = Bun.spawn(["/bin/sleep", "30"]);
    try {
      writeFileSync(lockPath, `${holder.pid}\n`);
      const error = await rejection(openDatabase({ dataDir: dir.path }));
      expect(error.code).toBe("data_dir_locked");
      expect(error.message).toContain(`in use by process ${holder.pid}`);
    } finally {
      holder.kill();
      await holder.exited;
    }
  });
});
