/**
 * Synthetic hub items for the web layer's tests and its dev harness, shaped
 * exactly as src/switchboard.ts says (prices in ticks inside, floats in
 * `top*`). Deterministic for a given seed.
 */
import { rng } from "../../actors/analytics/random-events.ts";
import { ASK, BID, type BookUpdate, type FeatureRow, TOP_LEVELS, type Trade } from "../../src/switchboard.ts";

/** A subset of actors/analytics/feature-names.ts, in FakeMarket's value order. */
export const FAKE_FEATURE_NAMES = [
  "mid",
  "microprice",
  "spread_bps",
  "imbalance_l1",
  "imbalance_l5",
  "ofi_l1_sum_1s_qty",
  "depth_bid_10bps_qty",
  "depth_ask_10bps_qty",
  "rv_mid_60s_bps",
  "trade_imbalance_10s",
  "update_rate_10s_hz",
] as const;

export interface BookShape {
  symbol: string;
  tickSize: number;
  bestBidTicks: number;
  /** Best ask minus best bid, in ticks (>= 1). */
  spreadTicks?: number;
  levels?: number;
  qty?: (side: number, level: number) => number;
  exchTsMs?: number;
  u?: number;
  stale?: boolean;
}

export function fakeBook(shape: BookShape): BookUpdate {
  const levels = shape.levels ?? TOP_LEVELS;
  const spread = shape.spreadTicks ?? 1;
  const qty = shape.qty ?? ((side, level) => 1 + level + side * 0.5);
  const ts = shape.exchTsMs ?? 1_700_000_000_000;
  const topBidPrice = new Float64Array(levels);
  const topBidQty = new Float64Array(levels);
  const topAskPrice = new Float64Array(levels);
  const topAskQty = new Float64Array(levels);
  const levelSide = new Uint8Array(levels * 2);
  const levelPriceTicks = new Float64Array(levels * 2);
  const levelQty = new Float64Array(levels * 2);
  for (let i = 0; i < levels; i++) {
    const bidTicks = shape.bestBidTicks - i;
    const askTicks = shape.bestBidTicks + spread + i;
    topBidPrice[i] = bidTicks * shape.tickSize;
    topBidQty[i] = qty(BID, i);
    topAskPrice[i] = askTicks * shape.tickSize;
    topAskQty[i] = qty(ASK, i);
    levelSide[2 * i] = BID;
    levelPriceTicks[2 * i] = bidTicks;
    levelQty[2 * i] = topBidQty[i]!;
    levelSide[2 * i + 1] = ASK;
    levelPriceTicks[2 * i + 1] = askTicks;
    levelQty[2 * i + 1] = topAskQty[i]!;
  }
  return {
    kind: "book",
    symbol: shape.symbol,
    exchTsMs: ts,
    localTsMs: ts + 0.25,
    u: shape.u ?? 1,
    reset: true,
    stale: shape.stale ?? false,
    levelSide,
    levelPriceTicks,
    levelQty,
    topBidPrice,
    topBidQty,
    topAskPrice,
    topAskQty,
  };
}

export function fakeTrade(symbol: string, tickSize: number, priceTicks: number, qty: number, side: "buy" | "sell", exchTsMs = 1_700_000_000_000, tradeId = 1): Trade {
  return { kind: "trade", symbol, exchTsMs, localTsMs: exchTsMs + 0.25, tradeId, priceTicks, price: priceTicks * tickSize, qty, side };
}

export function fakeFeatures(symbol: string, values: readonly number[], exchTsMs = 1_700_000_000_000): FeatureRow {
  return { kind: "features", symbol, exchTsMs, localTsMs: exchTsMs + 0.25, values: Float64Array.from(values) };
}

/** A random-walk market: each `step` returns one book, maybe a trade, and one feature row. */
export class FakeMarket {
  private readonly random: () => number;
  private bestBidTicks: number;
  private u = 1;
  private tradeId = 1;
  /** Books are published flagged stale while true (a resync in progress). */
  stale = false;

  constructor(
    readonly symbol: string,
    readonly tickSize: number,
    startPrice: number,
    seed = 1,
  ) {
    this.random = rng(seed);
    this.bestBidTicks = Math.round(startPrice / tickSize);
  }

  /** The update id the next book will carry. */
  get nextU(): number {
    return this.u;
  }

  step(nowMs: number): (BookUpdate | Trade | FeatureRow)[] {
    const r = this.random;
    const move = r();
    if (move < 0.2) this.bestBidTicks -= 1 + Math.floor(r() * 3);
    else if (move > 0.8) this.bestBidTicks += 1 + Math.floor(r() * 3);
    const spreadTicks = 1 + Math.floor(r() * 2);
    const depth = Array.from({ length: 2 * TOP_LEVELS }, () => +(0.05 + r() * r() * 4).toFixed(3));
    const book = fakeBook({
      symbol: this.symbol,
      tickSize: this.tickSize,
      bestBidTicks: this.bestBidTicks,
      spreadTicks,
      qty: (side, level) => depth[side * TOP_LEVELS + level]!,
      exchTsMs: nowMs,
      u: this.u++,
      stale: this.stale,
    });
    const items: (BookUpdate | Trade | FeatureRow)[] = [book];
    if (r() < 0.6) {
      const side = r() < 0.5 ? "buy" : "sell";
      const priceTicks = side === "buy" ? this.bestBidTicks + spreadTicks : this.bestBidTicks;
      items.push(fakeTrade(this.symbol, this.tickSize, priceTicks, +(r() * 0.8).toFixed(3), side, nowMs, this.tradeId++));
    }
    const bid = book.topBidPrice[0]!, ask = book.topAskPrice[0]!;
    const bq = book.topBidQty[0]!, aq = book.topAskQty[0]!;
    const mid = (bid + ask) / 2;
    const sum = (side: Float64Array, n: number) => side.subarray(0, n).reduce((a, b) => a + b, 0);
    const imb5 = (sum(book.topBidQty, 5) - sum(book.topAskQty, 5)) / (sum(book.topBidQty, 5) + sum(book.topAskQty, 5));
    const values = [mid, (bid * aq + ask * bq) / (aq + bq), ((ask - bid) / mid) * 1e4, (bq - aq) / (bq + aq), imb5, (r() - 0.5) * 20, sum(book.topBidQty, 10), sum(book.topAskQty, 10), 0.2 + r() * 0.3, r() * 2 - 1, 40 + r() * 20];
    items.push(fakeFeatures(this.symbol, values, nowMs));
    return items;
  }
}
