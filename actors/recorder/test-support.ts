/**
 * Test and bench support for the recorder: deterministic hub items with
 * known content, reading tables back exactly, and a TCP proxy that can cut
 * a client off its PostgreSQL server.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import type { Sql } from "postgres";
import type { AnomalyFact, BookUpdate, FeatureRow, GapFact, HubItem, Trade } from "../../src/switchboard.ts";

export const TEST_FEATURE_NAMES = ["best_bid", "mid", "spread", "microprice", "imbalance_l5", "odd_values"] as const;

/** 2024-07-19T00:00:00Z: one UTC day, so every row lands in one partition per table. */
export const T0_MS = 1_721_347_200_000;

/**
 * Item `i` of a stream whose every row is distinguishable: `u`, `tradeId`
 * and the local time grow with `i`; values include NaN, -0 and infinities.
 * Kinds cycle book, trade, features, and every 50th a gap.
 */
export function makeItem(i: number, symbol = "BTCUSDT", stepMs = 5): HubItem {
  const exchTsMs = T0_MS + i * stepMs;
  const localTsMs = exchTsMs + 3 + ((i * 7919) % 1000) / 1000; // fractional ms: microseconds must survive
  if (i % 50 === 49) return gap(i, symbol, exchTsMs, localTsMs);
  switch (i % 3) {
    case 0:
      return book(i, symbol, exchTsMs, localTsMs);
    case 1:
      return trade(i, symbol, exchTsMs, localTsMs);
    default:
      return features(i, symbol, exchTsMs, localTsMs);
  }
}

export function makeItems(from: number, count: number, symbol?: string, stepMs?: number): HubItem[] {
  const items: HubItem[] = [];
  for (let i = from; i < from + count; i++) items.push(makeItem(i, symbol, stepMs));
  return items;
}

function book(i: number, symbol: string, exchTsMs: number, localTsMs: number): BookUpdate {
  const levels = i % 30 === 0 ? 0 : 1 + (i % 20); // an empty book now and then
  const px = (side: number) => Float64Array.from({ length: levels }, (_, k) => 64_000 + side * (0.1 * k + 0.1) + i * 1e-7);
  const qty = () => Float64Array.from({ length: levels }, (_, k) => (k + 1) * 0.001 + i / 3);
  return {
    kind: "book", symbol, exchTsMs, localTsMs, u: 5_000_000_000 + i, reset: false, stale: i % 7 === 0,
    levelSide: new Uint8Array(0), levelPriceTicks: new Float64Array(0), levelQty: new Float64Array(0),
    topBidPrice: px(-1), topBidQty: qty(), topAskPrice: px(1), topAskQty: qty(),
  };
}

function trade(i: number, symbol: string, exchTsMs: number, localTsMs: number): Trade {
  const price = 64_000 + (i % 97) * 0.1 + 1 / 3;
  return { kind: "trade", symbol, exchTsMs, localTsMs, tradeId: 9_000_000_000 + i, priceTicks: Math.round(price * 10), price, qty: i / 7, side: i % 2 ? "buy" : "sell" };
}

function features(i: number, symbol: string, exchTsMs: number, localTsMs: number): FeatureRow {
  const odd = [Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324, Number.MAX_VALUE][i % 6]!;
  const values = Float64Array.from([64_000 + i / 3, 64_000.05 + i / 3, 0.1 + i * 1e-9, 64_000.04 + i / 7, Math.sin(i), odd]);
  return { kind: "features", symbol, exchTsMs, localTsMs, values };
}

function gap(i: number, symbol: string, exchTsMs: number, localTsMs: number): GapFact {
  const recovered = i % 100 === 99;
  return {
    kind: "gap", symbol, phase: recovered ? "recovered" : "started", reason: "pu_mismatch",
    expectedPu: 7_000_000_000 + i, gotPu: 7_000_000_010 + i, u: 7_000_000_020 + i, exchTsMs, localTsMs,
    recoveredU: recovered ? 7_000_000_030 + i : null, staleMs: recovered ? 12.5 + i / 3 : null,
  };
}

/**
 * Alert `i`: hostile text in the explanation and evidence (markup, quotes,
 * a backslash, non-BMP characters), nested evidence, and a non-finite
 * number that JSON turns into null.
 */
export function makeAnomaly(i: number, symbol = "BTCUSDT"): AnomalyFact {
  const tsStart = T0_MS + i * 1_000;
  const tsEnd = tsStart + 250 + (i % 7);
  return {
    kind: "anomaly", id: `${symbol}:spoofing:bid:${tsStart}`, type: i % 2 ? "layering" : "spoofing", symbol, side: i % 3 ? "bid" : "ask",
    score: 40 + (i % 60) + 0.25, tsStart, tsEnd, localTsMs: tsEnd + 1.5,
    evidence: { levels: [{ priceTicks: 640_000 + i, qty: 12.5 + i, lifetimeMs: 180 }], note: `<script>alert("x${i}")</script> & 'q' \\ 🚀`, ratio: Number.NaN },
    explanation: `Large bid <b>${i}</b> placed & cancelled "quickly".`,
  };
}

/**
 * Every table read back in a comparable form: times in microseconds
 * (exact), floats as numbers. Rows are ordered by the transaction that
 * wrote them (xmin: the writer commits one batch at a time, so xids grow
 * with commit order), then by the item's own rising key (u, trade_id,
 * local_ts): equal to the generation order exactly when every batch
 * landed after the one before it. (ctid is no witness: PostgreSQL may put
 * a small row into an earlier page with room left.)
 */
export async function readTables(sql: Sql) {
  const us = (col: string) => `(extract(epoch from ${col}) * 1000000)::bigint`;
  const order = (key: string) => `ORDER BY xmin::text::bigint, ${key}`;
  return {
    book: await sql.unsafe(`SELECT symbol, ${us("ts")} AS ts_us, ${us("local_ts")} AS local_us, u, stale, bid_px, bid_qty, ask_px, ask_qty FROM book_snapshots ${order("u")}`),
    trades: await sql.unsafe(`SELECT symbol, ${us("ts")} AS ts_us, ${us("local_ts")} AS local_us, trade_id, price, qty, side FROM trades ${order("trade_id")}`),
    features: await sql.unsafe(`
      SELECT f.symbol, ${us("f.ts")} AS ts_us, ${us("f.local_ts")} AS local_us, s.names, mid, spread, microprice, imbalance_l5, feature_values
      FROM features f JOIN feature_sets s ON s.id = f.feature_set ORDER BY f.xmin::text::bigint, f.local_ts`),
    gaps: await sql.unsafe(`
      SELECT symbol, ${us("ts")} AS ts_us, phase, reason, expected_pu, got_pu, u, ${us("exch_ts")} AS exch_us, recovered_u, stale_ms
      FROM gaps ${order("u")}`),
    anomalies: await sql.unsafe(`
      SELECT symbol, ${us("ts")} AS ts_us, id, type, side, score, ${us("ts_start")} AS start_us, ${us("ts_end")} AS end_us, evidence, explanation
      FROM anomalies ORDER BY xmin::text::bigint, ts_start`),
  };
}

/** What readTables should return for `items` (all recorded: cadence 0). */
export function expectedTables(items: readonly HubItem[], featureNames: readonly string[]) {
  const us = (ms: number) => Math.round(ms * 1000);
  const pick = (row: FeatureRow, name: string) => {
    const i = featureNames.indexOf(name);
    return i < 0 ? null : row.values[i]!;
  };
  const out = { book: [] as unknown[], trades: [] as unknown[], features: [] as unknown[], gaps: [] as unknown[], anomalies: [] as unknown[] };
  for (const it of items) {
    if (it.kind === "book") {
      out.book.push({ symbol: it.symbol, ts_us: us(it.exchTsMs), local_us: us(it.localTsMs), u: it.u, stale: it.stale,
        bid_px: [...it.topBidPrice], bid_qty: [...it.topBidQty], ask_px: [...it.topAskPrice], ask_qty: [...it.topAskQty] });
    } else if (it.kind === "trade") {
      out.trades.push({ symbol: it.symbol, ts_us: us(it.exchTsMs), local_us: us(it.localTsMs), trade_id: it.tradeId, price: it.price, qty: it.qty, side: it.side });
    } else if (it.kind === "features") {
      out.features.push({ symbol: it.symbol, ts_us: us(it.exchTsMs), local_us: us(it.localTsMs), names: [...featureNames],
        mid: pick(it, "mid"), spread: pick(it, "spread"), microprice: pick(it, "microprice"), imbalance_l5: pick(it, "imbalance_l5"), feature_values: [...it.values] });
    } else if (it.kind === "anomaly") {
      out.anomalies.push({ symbol: it.symbol, ts_us: us(it.tsEnd), id: it.id, type: it.type, side: it.side, score: it.score, start_us: us(it.tsStart),
        end_us: us(it.tsEnd), evidence: JSON.parse(JSON.stringify(it.evidence)), explanation: it.explanation });
    } else if (it.kind === "gap") {
      out.gaps.push({ symbol: it.symbol, ts_us: us(it.localTsMs), phase: it.phase, reason: it.reason, expected_pu: it.expectedPu, got_pu: it.gotPu,
        u: it.u, exch_us: us(it.exchTsMs), recovered_u: it.recoveredU, stale_ms: it.staleMs });
    }
  }
  return out;
}

/** Plain objects (postgres.js rows carry extra properties), with -0 and NaN made visible to toEqual. */
export function plain(rows: readonly object[]): unknown[] {
  return rows.map((row) => JSON.parse(JSON.stringify(row, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? `#${v}` : Object.is(v, -0) ? "#-0" : v))));
}

/**
 * A TCP proxy on 127.0.0.1 in front of a PostgreSQL server. `cut()` destroys
 * every live connection and closes the listener (new connections are
 * refused); `restore()` listens on the same port again.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  connections = 0;

  constructor(private readonly targetHost: string, private readonly targetPort: number) {}

  async start(): Promise<void> {
    const server = createServer((client) => {
      this.connections++;
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => {});
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  restore(): Promise<void> {
    return this.start();
  }

  async stop(): Promise<void> {
    await this.cut();
  }
}
