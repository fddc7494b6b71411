/**
 * The JSON objects of the public event contract (SSE and, later, export).
 * Field names are part of the API: see README "SSE contract".
 */
import type { BookUpdate, FeatureRow, Trade } from "../../src/switchboard.ts";

export interface BookPayload {
  symbol: string;
  ts: number;
  u: number;
  stale: boolean;
  bids: [number, number][];
  asks: [number, number][];
}

export function bookPayload(update: BookUpdate): BookPayload {
  return {
    symbol: update.symbol,
    ts: update.exchTsMs,
    u: update.u,
    stale: update.stale,
    bids: levels(update.topBidPrice, update.topBidQty),
    asks: levels(update.topAskPrice, update.topAskQty),
  };
}

function levels(prices: Float64Array, qty: Float64Array): [number, number][] {
  const out: [number, number][] = new Array(prices.length);
  for (let i = 0; i < prices.length; i++) out[i] = [prices[i]!, qty[i]!];
  return out;
}

export function tradePayload(trade: Trade) {
  return { symbol: trade.symbol, ts: trade.exchTsMs, price: trade.price, qty: trade.qty, side: trade.side };
}

/** `{symbol, ts, <feature>: value, ...}`; NaN (undefined feature, e.g. an empty side) becomes null. */
export function featuresPayload(row: FeatureRow, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { symbol: row.symbol, ts: row.exchTsMs };
  const values = row.values;
  for (let i = 0; i < names.length; i++) {
    const value = values[i]!;
    out[names[i]!] = Number.isFinite(value) ? value : null;
  }
  return out;
}
