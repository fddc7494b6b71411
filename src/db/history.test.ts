/**
 * History queries against the real PostgreSQL server (a scratch database,
 * migrated with the real migrations) and, once, against the embedded engine.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Sql } from "postgres";
import { type Database, openDatabase } from "./database.ts";
import { bucketCount, HistoryQueryError, historyQueries, historySeries, MAX_BUCKETS, recentTrades } from "./history.ts";
import { PartitionManager } from "./partitions.ts";
import { createScratchDatabase, makeTempDir, type ScratchDatabase } from "./testing.ts";

/** Epoch ms (fractional) as a timestamptz to the microsecond: postgres.js sends timestamptz parameters through Date, which keeps whole ms only. */
function isoMicros(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.round((ms - whole) * 1000);
  return new Date(whole).toISOString().replace("Z", `${String(micros).padStart(3, "0")}Z`);
}

const T0 = Date.parse("2024-07-18T23:59:50Z"); // the range crosses midnight: two daily partitions
const SEC = 1000;

interface FeatureInsert {
  symbol?: string;
  tsMs: number;
  mid: number | null;
  spread?: number | null;
  imbalance?: number | null;
}

interface TradeInsert {
  symbol?: string;
  tsMs: number;
  id: number;
  price: number;
  qty: number;
  side: "buy" | "sell";
}

async function insertFeatures(sql: Sql, rows: FeatureInsert[]): Promise<void> {
  await new PartitionManager(sql).ensureDays("features", rows.map((r) => r.tsMs));
  const [set] = await sql<{ id: number }[]>`
    INSERT INTO feature_sets (names) VALUES (${["mid", "spread"]}) ON CONFLICT (names) DO UPDATE SET names = EXCLUDED.names RETURNING id`;
  for (const r of rows) {
    await sql`
      INSERT INTO features (symbol, ts, local_ts, feature_set, mid, spread, microprice, imbalance_l5, feature_values)
      VALUES (${r.symbol ?? "BTCUSDT"}, ${new Date(r.tsMs)}, ${isoMicros(r.tsMs + 3)}::text::timestamptz, ${set!.id}, ${r.mid}, ${r.spread ?? null},
              ${r.mid}, ${r.imbalance ?? null}, ${[r.mid ?? 0, r.spread ?? 0]})`;
  }
}

async function insertTrades(sql: Sql, rows: TradeInsert[]): Promise<void> {
  await new PartitionManager(sql).ensureDays("trades", rows.map((r) => r.tsMs));
  for (const r of rows) {
    await sql`
      INSERT INTO trades (symbol, ts, local_ts, trade_id, price, qty, side)
      VALUES (${r.symbol ?? "BTCUSDT"}, ${new Date(r.tsMs)}, ${isoMicros(r.tsMs + 2.5)}::text::timestamptz, ${r.id}, ${r.price}, ${r.qty}, ${r.side})`;
  }
}

/** A small, hand-checkable market: 5 s buckets from T0 (23:59:50Z, a multiple of 5 s). */
async function seed(sql: Sql): Promise<void> {
  await insertFeatures(sql, [
    // bucket T0: mids 100 then 102 (close 102); spreads 1 and 3 (avg 2); imbalance 0.2, 0.4
    { tsMs: T0 + 1 * SEC, mid: 100, spread: 1, imbalance: 0.2 },
    { tsMs: T0 + 4 * SEC, mid: 102, spread: 3, imbalance: 0.4 },
    // bucket T0+5s: a NaN mid (empty side) is left out of the close; the spread of that row too
    { tsMs: T0 + 5 * SEC, mid: 103, spread: 2, imbalance: -0.5 },
    { tsMs: T0 + 6 * SEC, mid: Number.NaN, spread: Number.NaN, imbalance: -0.1 },
    // bucket T0+10s is empty (absent); bucket T0+15s, after midnight
    { tsMs: T0 + 17 * SEC, mid: 105, spread: 0.5, imbalance: 0 },
    // another symbol, same times: never mixed in
    { symbol: "ETHUSDT", tsMs: T0 + 2 * SEC, mid: 3000, spread: 0.01, imbalance: 0.9 },
    // outside [T0, T0+20s)
    { tsMs: T0 - 1, mid: 1, spread: 1, imbalance: 1 },
    { tsMs: T0 + 20 * SEC, mid: 2, spread: 1, imbalance: 1 },
  ]);
  await insertTrades(sql, [
    { tsMs: T0 + 2 * SEC, id: 1, price: 101, qty: 0.5, side: "buy" },
    { tsMs: T0 + 3 * SEC, id: 2, price: 101, qty: 0.25, side: "sell" },
    { tsMs: T0 + 3 * SEC, id: 3, price: 100.5, qty: 1, side: "sell" },
    // a bucket with trades only: prices null
    { tsMs: T0 + 11 * SEC, id: 4, price: 104, qty: 2, side: "buy" },
    { symbol: "ETHUSDT", tsMs: T0 + 2 * SEC, id: 9, price: 3000, qty: 7, side: "buy" },
    { tsMs: T0 + 20 * SEC, id: 5, price: 106, qty: 9, side: "buy" },
  ]);
}

const EXPECTED_5S = [
  { ts: T0, mid: 102, spread: 2, imbalance: 0.3, volume: 1.75, buyVolume: 0.5, sellVolume: 1.25, trades: 3 },
  { ts: T0 + 5 * SEC, mid: 103, spread: 2, imbalance: -0.3, volume: 0, buyVolume: 0, sellVolume: 0, trades: 0 },
  { ts: T0 + 10 * SEC, mid: null, spread: null, imbalance: null, volume: 2, buyVolume: 2, sellVolume: 0, trades: 1 },
  { ts: T0 + 15 * SEC, mid: 105, spread: 0.5, imbalance: 0, volume: 0, buyVolume: 0, sellVolume: 0, trades: 0 },
];

function expectBuckets(actual: unknown[], expected: typeof EXPECTED_5S): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((bucket, i) => {
    const got = actual[i] as Record<string, number | null>;
    for (const [key, value] of Object.entries(bucket)) {
      if (value === null) expect(got[key]).toBeNull();
      else expect(got[key]).toBeCloseTo(value, 9);
    }
  });
}

describe("PostgreSQL server", () => {
  let scratch: ScratchDatabase;
  let db: Database;
  const dir = makeTempDir();

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    db = await openDatabase({ url: scratch.url, dataDir: dir.path });
    await seed(db.sql);
  });

  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
    dir.remove();
  });

  test("5 s buckets: close mid, mean spread and imbalance, volumes by side, trade counts; empty buckets absent", async () => {
    const buckets = await historySeries(db.sql, { symbol: "BTCUSDT", fromMs: T0, toMs: T0 + 20 * SEC, stepMs: 5 * SEC });
    expectBuckets(buckets, EXPECTED_5S);
  });

  test("buckets are epoch-aligned whatever `from` is; the range is half-open", async () => {
    // From T0+4s: the first bucket (T0) is partial and holds only the 102 row and no trades.
    const buckets = await historySeries(db.sql, { symbol: "BTCUSDT", fromMs: T0 + 4 * SEC, toMs: T0 + 17 * SEC, stepMs: 5 * SEC });
    expect(buckets.map((b) => b.ts)).toEqual([T0, T0 + 5 * SEC, T0 + 10 * SEC]);
    expect(buckets[0]).toMatchObject({ mid: 102, spread: 3, trades: 0 });
  });

  test("one bucket over the whole range; another symbol", async () => {
    // Hourly buckets from the epoch: midnight splits the range.
    const [evening, night] = await historySeries(db.sql, { symbol: "BTCUSDT", fromMs: T0, toMs: T0 + 20 * SEC, stepMs: 3_600_000 });
    expect(evening).toMatchObject({ ts: Date.parse("2024-07-18T23:00:00Z"), mid: 103, trades: 3, volume: 1.75 });
    expect(night).toMatchObject({ ts: Date.parse("2024-07-19T00:00:00Z"), mid: 105, trades: 1, volume: 2 });
    const eth = await historySeries(db.sql, { symbol: "ETHUSDT", fromMs: T0, toMs: T0 + 20 * SEC, stepMs: 5 * SEC });
    expect(eth).toEqual([{ ts: T0, mid: 3000, spread: 0.01, imbalance: 0.9, volume: 7, buyVolume: 7, sellVolume: 0, trades: 1 }]);
    expect(await historySeries(db.sql, { symbol: "SOLUSDT", fromMs: T0, toMs: T0 + 20 * SEC, stepMs: 5 * SEC })).toEqual([]);
  });

  test("a symbol that could be SQL is just a value", async () => {
    const evil = "BTCUSDT' OR '1'='1";
    expect(await historySeries(db.sql, { symbol: evil, fromMs: T0, toMs: T0 + 20 * SEC, stepMs: 5 * SEC })).toEqual([]);
    expect(await recentTrades(db.sql, { symbol: evil, fromMs: T0, toMs: T0 + 20 * SEC, limit: 10 })).toEqual([]);
  });

  test("recent trades: newest first, within the range, limited", async () => {
    const trades = await recentTrades(db.sql, { symbol: "BTCUSDT", fromMs: T0, toMs: T0 + 20 * SEC, limit: 3 });
    expect(trades).toEqual([
      { ts: T0 + 11 * SEC, localTs: T0 + 11 * SEC + 2.5, tradeId: 4, price: 104, qty: 2, side: "buy" },
      { ts: T0 + 3 * SEC, localTs: T0 + 3 * SEC + 2.5, tradeId: 3, price: 100.5, qty: 1, side: "sell" },
      { ts: T0 + 3 * SEC, localTs: T0 + 3 * SEC + 2.5, tradeId: 2, price: 101, qty: 0.25, side: "sell" },
    ]);
    const all = await historyQueries(db.sql).trades({ symbol: "BTCUSDT", fromMs: T0, toMs: T0 + 21 * SEC, limit: 100 });
    expect(all.map((t) => t.tradeId)).toEqual([5, 4, 3, 2, 1]);
  });

  test("refused before querying: bad range, step, bucket count, limit", async () => {
    const series = (fromMs: number, toMs: number, stepMs: number) => historySeries(db.sql, { symbol: "BTCUSDT", fromMs, toMs, stepMs });
    const code = async (promise: Promise<unknown>) => {
      try {
        await promise;
      } catch (error) {
        expect(error).toBeInstanceOf(HistoryQueryError);
        return (error as HistoryQueryError).code;
      }
      throw new Error("expected a HistoryQueryError");
    };
    expect(await code(series(T0, T0, 1000))).toBe("bad_range");
    expect(await code(series(T0, T0 - 1, 1000))).toBe("bad_range");
    expect(await code(series(T0, Number.NaN, 1000))).toBe("bad_range");
    expect(await code(series(T0, T0 + 1000, 0))).toBe("bad_step");
    expect(await code(series(T0, T0 + 1000, 1.5))).toBe("bad_step");
    expect(await code(series(T0, T0 + (MAX_BUCKETS + 1) * 1000, 1000))).toBe("too_many_buckets");
    // T0 is 1 s-aligned: exactly MAX_BUCKETS buckets is allowed (9 of them hold rows)
    expect(await series(T0, T0 + MAX_BUCKETS * 1000, 1000)).toHaveLength(9);
    expect(await code(recentTrades(db.sql, { symbol: "BTCUSDT", fromMs: T0, toMs: T0 + 1, limit: 0 }))).toBe("bad_limit");
    expect(await code(recentTrades(db.sql, { symbol: "BTCUSDT", fromMs: T0, toMs: T0 + 1, limit: 5001 }))).toBe("bad_limit");
  });
});

test("bucketCount: epoch-aligned buckets touched by [from, to)", () => {
  expect(bucketCount(0, 10, 5)).toBe(2);
  expect(bucketCount(1, 10, 5)).toBe(2);
  expect(bucketCount(1, 11, 5)).toBe(3);
  expect(bucketCount(5, 6, 5)).toBe(1);
  expect(bucketCount(T0, T0 + 3_600_000, 5000)).toBe(720);
  expect(bucketCount(T0 + 1, T0 + 3_600_001, 5000)).toBe(721);
});

describe("embedded engine (PGlite)", () => {
  const dir = makeTempDir();
  let db: Database | undefined;

  afterAll(async () => {
    await db?.close();
    dir.remove();
  });

  test("the same queries give the same answers", async () => {
    db = await openDatabase({ dataDir: dir.path });
    await seed(db.sql);
    const buckets = await historySeries(db.sql, { symbol: "BTCUSDT", fromMs: T0, toMs: T0 + 20 * SEC, stepMs: 5 * SEC });
    expectBuckets(buckets, EXPECTED_5S);
    const trades = await recentTrades(db.sql, { symbol: "BTCUSDT", fromMs: T0, toMs: T0 + 20 * SEC, limit: 2 });
    expect(trades.map((t) => [t.tradeId, t.localTs])).toEqual([
      [4, T0 + 11 * SEC + 2.5],
      [3, T0 + 3 * SEC + 2.5],
    ]);
  }, 60_000);
});
