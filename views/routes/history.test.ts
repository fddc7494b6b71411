import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { type HistoryQueries, historyQueries, type SeriesQuery, type TradesQuery } from "../../src/db/history.ts";
import { PartitionManager } from "../../src/db/partitions.ts";
import { createScratchDatabase, makeTempDir, type ScratchDatabase } from "../../src/db/testing.ts";
import { createWebApp } from "../app.ts";
import type { WebDeps } from "../deps.ts";
import { testDeps } from "../testing/deps.ts";
import { HISTORY_UNAVAILABLE, historyRoutes } from "./history.ts";

/** Records the queries it is given and answers with canned rows. */
class FakeHistory implements HistoryQueries {
  readonly seriesCalls: SeriesQuery[] = [];
  readonly tradesCalls: TradesQuery[] = [];
  failWith: Error | null = null;
  async series(query: SeriesQuery) {
    this.seriesCalls.push(query);
    if (this.failWith) throw this.failWith;
    return [{ ts: query.fromMs, mid: 100.5, spread: 0.1, imbalance: 0.25, volume: 2, buyVolume: 1.5, sellVolume: 0.5, trades: 3 }];
  }
  async trades(query: TradesQuery) {
    this.tradesCalls.push(query);
    if (this.failWith) throw this.failWith;
    return [{ ts: query.toMs - 1, localTs: query.toMs + 1.5, tradeId: 7, price: 100.5, qty: 0.5, side: "buy" as const }];
  }
}

const get = (app: { handle(request: Request): Promise<Response> }, path: string) => app.handle(new Request(`http://localhost${path}`));

describe("without a database", () => {
  const app = createWebApp(testDeps());
  test.each(["/api/history?symbol=BTCUSDT", "/api/trades?symbol=BTCUSDT", "/api/history?symbol=NOPE&step=0"])("%s is a 503 that says why", async (path) => {
    const res = await get(app, path);
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await res.text()).toBe(`${HISTORY_UNAVAILABLE}\n`);
  });
});

describe("with fake queries", () => {
  const NOW = Date.parse("2024-07-18T12:00:00Z");
  const setup = (overrides: Partial<WebDeps> = {}) => {
    const history = new FakeHistory();
    const app = historyRoutes(testDeps({ history, ...overrides }), () => NOW);
    return { history, call: (path: string) => get(app, path) };
  };

  test("GET /api/history: defaults, JSON, no-store", async () => {
    const { history, call } = setup();
    const res = await call("/api/history?symbol=btcusdt");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      symbol: "BTCUSDT",
      fromMs: NOW - 3_600_000,
      toMs: NOW,
      stepMs: 5000,
      buckets: [{ ts: NOW - 3_600_000, mid: 100.5, spread: 0.1, imbalance: 0.25, volume: 2, buyVolume: 1.5, sellVolume: 0.5, trades: 3 }],
    });
    expect(history.seriesCalls).toEqual([{ symbol: "BTCUSDT", fromMs: NOW - 3_600_000, toMs: NOW, stepMs: 5000 }]);
  });

  test("GET /api/history with every parameter; GET /api/trades", async () => {
    const { history, call } = setup();
    const res = await call("/api/history?symbol=ETHUSDT&from=2024-07-18T10:00:00Z&to=1721300400000&step=1m&unrelated=1");
    expect(res.status).toBe(200);
    expect(history.seriesCalls).toEqual([{ symbol: "ETHUSDT", fromMs: Date.parse("2024-07-18T10:00:00Z"), toMs: 1721300400000, stepMs: 60_000 }]);

    const trades = await call("/api/trades?symbol=ETHUSDT&limit=10");
    expect(trades.status).toBe(200);
    expect(await trades.json()).toEqual({
      symbol: "ETHUSDT",
      fromMs: NOW - 3_600_000,
      toMs: NOW,
      limit: 10,
      trades: [{ ts: NOW - 1, localTs: NOW + 1.5, tradeId: 7, price: 100.5, qty: 0.5, side: "buy" }],
    });
    expect(history.tradesCalls).toEqual([{ symbol: "ETHUSDT", fromMs: NOW - 3_600_000, toMs: NOW, limit: 10 }]);
  });

  test.each([
    ["/api/history", "missing symbol: give symbol=<one of BTCUSDT,ETHUSDT>"],
    ["/api/history?symbol=DOGEUSDT", 'unknown symbol "DOGEUSDT" in symbol; served: BTCUSDT,ETHUSDT'],
    ["/api/history?symbol=BTCUSDT&from=noon", 'invalid from "noon": expected epoch milliseconds or an ISO-8601 time such as 2024-07-18T00:30:00Z'],
    ["/api/history?symbol=BTCUSDT&to=later", 'invalid to "later": expected epoch milliseconds or an ISO-8601 time such as 2024-07-18T00:30:00Z'],
    ["/api/history?symbol=BTCUSDT&from=1721304000000&to=1721300400000", 'from "1721304000000" (2024-07-18T12:00:00.000Z) must be before to (2024-07-18T11:00:00.000Z)'],
    ["/api/history?symbol=BTCUSDT&step=1ms", 'step too small: step "1ms" gives 3600000 buckets over this range; at most 5000 (use step=721 or more)'],
    ["/api/history?symbol=BTCUSDT&step=often", 'invalid step "often": expected milliseconds or a duration such as 1s, 1m, 5m, 1h (at most 31d)'],
    ["/api/trades?symbol=BTCUSDT&limit=0", 'limit out of range: "0"; expected an integer from 1 to 5000'],
    ["/api/trades?symbol=BTCUSDT&limit=100000", 'limit out of range: "100000"; expected an integer from 1 to 5000'],
    ["/api/trades?symbol=%3Cscript%3E", 'unknown symbol "<script>" in symbol; served: BTCUSDT,ETHUSDT'],
  ])("%s → 400 naming it", async (path, message) => {
    const { history, call } = setup();
    const res = await call(path);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await res.text()).toBe(`${message}\n`);
    expect(history.seriesCalls.length + history.tradesCalls.length).toBe(0);
  });

  test("a database failure is a 503 with the reason", async () => {
    const { history, call } = setup();
    history.failWith = new Error("connect ECONNREFUSED 127.0.0.1:5432");
    for (const path of ["/api/history?symbol=BTCUSDT", "/api/trades?symbol=BTCUSDT"]) {
      const res = await call(path);
      expect(res.status).toBe(503);
      expect(await res.text()).toBe("history query failed: connect ECONNREFUSED 127.0.0.1:5432\n");
    }
  });
});

describe("against the real server, through the whole app", () => {
  let scratch: ScratchDatabase;
  let db: Database;
  const dir = makeTempDir();
  const T0 = Date.parse("2024-07-18T10:00:00Z");

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    db = await openDatabase({ url: scratch.url, dataDir: dir.path });
    const sql = db.sql;
    const partitions = new PartitionManager(sql);
    await partitions.ensureDays("features", [T0]);
    await partitions.ensureDays("trades", [T0]);
    const [set] = await sql<{ id: number }[]>`INSERT INTO feature_sets (names) VALUES (${["mid"]}) RETURNING id`;
    // One feature row per second for 10 minutes, mid rising 0.1 a second; a trade every 2 s.
    const features = Array.from({ length: 600 }, (_, i) => ({
      symbol: "BTCUSDT",
      ts: new Date(T0 + i * 1000),
      local_ts: new Date(T0 + i * 1000 + 2),
      feature_set: set!.id,
      mid: 65_000 + i / 10,
      spread: 0.1,
      microprice: 65_000 + i / 10,
      imbalance_l5: i % 2 === 0 ? 0.5 : -0.5,
      feature_values: [65_000 + i / 10],
    }));
    await sql`INSERT INTO features ${sql(features)}`;
    const trades = Array.from({ length: 300 }, (_, i) => ({
      symbol: "BTCUSDT",
      ts: new Date(T0 + i * 2000),
      local_ts: new Date(T0 + i * 2000 + 1),
      trade_id: 1000 + i,
      price: 65_000 + i / 5,
      qty: 0.01,
      side: i % 3 === 0 ? "sell" : "buy",
    }));
    await sql`INSERT INTO trades ${sql(trades)}`;
  });

  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
    dir.remove();
  });

  test("1 m buckets over 10 minutes, and the latest trades", async () => {
    const app = createWebApp(testDeps({ history: historyQueries(db.sql) }));
    const res = await get(app, `/api/history?symbol=BTCUSDT&from=2024-07-18T10:00:00Z&to=2024-07-18T10:10:00Z&step=1m`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { stepMs: number; buckets: { ts: number; mid: number; spread: number; imbalance: number; volume: number; trades: number; buyVolume: number }[] };
    expect(body.stepMs).toBe(60_000);
    expect(body.buckets.map((b) => b.ts)).toEqual(Array.from({ length: 10 }, (_, i) => T0 + i * 60_000));
    body.buckets.forEach((bucket, i) => {
      expect(bucket.mid).toBeCloseTo(65_000 + (i * 60 + 59) / 10, 9); // the close: the bucket's last second
      expect(bucket.spread).toBeCloseTo(0.1, 12);
      expect(bucket.imbalance).toBeCloseTo(0, 12);
      expect(bucket.trades).toBe(30);
      expect(bucket.volume).toBeCloseTo(0.3, 12);
    });
    expect(body.buckets.reduce((sum, b) => sum + b.buyVolume, 0)).toBeCloseTo(2, 9); // 200 of 300 trades are buys

    const trades = await get(app, `/api/trades?symbol=BTCUSDT&from=${T0}&to=${T0 + 600_000}&limit=2`);
    expect(((await trades.json()) as { trades: { tradeId: number; side: string }[] }).trades).toEqual([
      { ts: T0 + 598_000, localTs: T0 + 598_001, tradeId: 1299, price: 65_059.8, qty: 0.01, side: "buy" },
      { ts: T0 + 596_000, localTs: T0 + 596_001, tradeId: 1298, price: 65_059.6, qty: 0.01, side: "buy" },
    ] as never);
  });
});
