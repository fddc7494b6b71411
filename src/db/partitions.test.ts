import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { DAY_MS, PartitionManager, partitionName } from "./partitions.ts";
import { createScratchDatabase, type EngineKind, openTestDatabase, type TestDatabase } from "./testing.ts";

const JAN_2_2024 = Date.UTC(2024, 0, 2); // 19724 days after the epoch
const dayOf = (tsMs: number) => Math.floor(tsMs / DAY_MS);

async function partitionsOf(sql: postgres.Sql, table: string): Promise<string[]> {
  const rows = await sql`
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = ${table}::regclass ORDER BY 1`;
  return rows.map((r) => r.relname as string);
}

test("partition names are the table and the UTC day", () => {
  expect(partitionName("trades", dayOf(JAN_2_2024))).toBe("trades_p20240102");
  expect(partitionName("gaps", dayOf(Date.UTC(1999, 11, 31, 23, 59, 59, 999)))).toBe("gaps_p19991231");
});

for (const kind of ["server", "embedded"] as EngineKind[]) {
  describe(`partitions (${kind})`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await t?.close();
    });

    test("a row with no partition for its day is refused (why the manager exists)", async () => {
      const ts = new Date(Date.UTC(2023, 5, 1));
      await expect(t.db.sql`INSERT INTO trades VALUES ('BTCUSDT', ${ts}, ${ts}, 1, 1, 1, 'buy')`).rejects.toThrow(/no partition/);
    });

    test("ensureDays creates 2024 days and today; rows land in their day's partition", async () => {
      const manager = new PartitionManager(t.db.sql);
      const lastMsOfJan2 = JAN_2_2024 + DAY_MS - 1;
      const now = Date.now();
      const stamps = [JAN_2_2024, JAN_2_2024 + 5_000, lastMsOfJan2, JAN_2_2024 + DAY_MS, now];
      await manager.ensureDays("trades", stamps);
      const today = partitionName("trades", dayOf(now));
      expect(await partitionsOf(t.db.sql, "trades")).toEqual(["trades_p20240102", "trades_p20240103", today].sort());

      const rows = stamps.map((tsMs, i) => ({
        symbol: "BTCUSDT", ts: new Date(tsMs), local_ts: new Date(tsMs + 3), trade_id: 1000 + i, price: 42_000.5 + i, qty: 0.001, side: "sell",
      }));
      await t.db.sql`INSERT INTO trades ${t.db.sql(rows)}`;
      const placed = await t.db.sql`SELECT trade_id, tableoid::regclass::text AS part FROM trades ORDER BY trade_id`;
      expect(placed.map((r) => [r.trade_id, r.part])).toEqual([
        [1000, "trades_p20240102"], [1001, "trades_p20240102"], [1002, "trades_p20240102"], [1003, "trades_p20240103"], [1004, today],
      ]);
    });

    test("days are UTC whatever the session's time zone", async () => {
      // A client in New York: a bound written as a bare date would be read as local midnight.
      const sql = kind === "server" ? postgres(t.where, { max: 1, onnotice: () => {}, connection: { TimeZone: "America/New_York" } }) : t.db.sql;
      if (kind === "embedded") await sql`SET TimeZone = 'America/New_York'`;
      try {
        const ts = Date.UTC(2024, 2, 10, 2, 30); // 2024-03-09 21:30 in New York
        await new PartitionManager(sql).ensureDays("features", [ts]);
        await sql`INSERT INTO features (symbol, ts, local_ts, feature_set, feature_values) VALUES ('ETHUSDT', ${new Date(ts)}, ${new Date(ts)}, 1, '{}')`;
        const [row] = await sql`SELECT tableoid::regclass::text AS part FROM features`;
        expect(row!.part).toBe("features_p20240310");
      } finally {
        if (kind === "server") await sql.end();
        else await sql`RESET TimeZone`;
      }
    });

    test("ensureAround prepares today and the next days in every partitioned table", async () => {
      const now = Date.UTC(2024, 11, 31, 12); // crosses a year end
      await new PartitionManager(t.db.sql).ensureAround(now, 2);
      for (const table of ["book_snapshots", "trades", "features", "gaps"]) {
        const parts = await partitionsOf(t.db.sql, table);
        for (const day of ["20241231", "20250101", "20250102"]) expect(parts).toContain(`${table}_p${day}`);
        expect(parts).not.toContain(`${table}_p20250103`);
      }
    });

    test("managers racing for the same days all succeed, once each", async () => {
      const stamps = [Date.UTC(2024, 6, 1, 10), Date.UTC(2024, 6, 2, 10)];
      const clients = [t.db.sql, t.otherClient(), t.otherClient()];
      await Promise.all(clients.map((sql) => sql`SELECT 1`)); // connected before the race starts
      const managers = clients.map((sql) => new PartitionManager(sql));
      await Promise.all(managers.flatMap((m) => [m.ensureDays("gaps", stamps), m.ensureAround(Date.UTC(2024, 6, 1))]));
      const parts = await partitionsOf(t.db.sql, "gaps");
      expect(parts.filter((p) => p === "gaps_p20240701" || p === "gaps_p20240702")).toEqual(["gaps_p20240701", "gaps_p20240702"]);
    });

    test("a known day costs no query; an unpartitioned table is left alone", async () => {
      const manager = new PartitionManager(t.db.sql);
      await manager.ensureDays("trades", [JAN_2_2024]);
      await t.db.sql`DROP TABLE trades_p20240102`; // behind the manager's back: it trusts its cache
      await manager.ensureDays("trades", [JAN_2_2024 + 1000]);
      expect(await partitionsOf(t.db.sql, "trades")).not.toContain("trades_p20240102");
      await new PartitionManager(t.db.sql).ensureDays("trades", [JAN_2_2024]); // a new manager does look
      expect(await partitionsOf(t.db.sql, "trades")).toContain("trades_p20240102");

      await manager.ensureDays("feature_sets", [JAN_2_2024]);
      await manager.ensureDays("no_such_table", [JAN_2_2024]);
      const made = await t.db.sql`SELECT count(*) AS n FROM pg_class WHERE relname IN ('feature_sets_p20240102', 'no_such_table_p20240102')`;
      expect(made[0]!.n).toBe(0);
    });

    test("a timestamp that is not a number is an error naming it", async () => {
      await expect(new PartitionManager(t.db.sql).ensureDays("trades", [Number.NaN])).rejects.toThrow("timestamp NaN");
    });
  });
}

test("with no partitioned tables (TimescaleDB) the manager does nothing", async () => {
  const scratch = await createScratchDatabase();
  const sql = postgres(scratch.url, { max: 1, onnotice: () => {} });
  try {
    await sql`CREATE TABLE partitioned_tables (name text PRIMARY KEY)`;
    await sql`CREATE TABLE trades (ts timestamptz NOT NULL) PARTITION BY RANGE (ts)`; // present but not listed
    const manager = new PartitionManager(sql);
    await manager.ensureAround(Date.now(), 3);
    await manager.ensureDays("trades", [JAN_2_2024]);
    expect(await partitionsOf(sql, "trades")).toEqual([]);
  } finally {
    await sql.end();
    await scratch.drop();
  }
});
