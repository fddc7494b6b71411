/**
 * The JSON objects of the public event contract (SSE and, later, export).
 * Field names are part of the API: see README "SSE contract".
 */
import type { AnomalyFact, BookUpdate, FeatureRow, GapFact, PredictionFact, Trade } from "../../src/switchboard.ts";

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

/** `{symbol, ts, phase, reason, expectedPu, gotPu, u, recoveredU, staleMs}`; `ts` is the local time of the phase. */
export function gapPayload(gap: GapFact) {
  return {
    symbol: gap.symbol,
    ts: gap.localTsMs,
    phase: gap.phase,
    reason: gap.reason,
    expectedPu: gap.expectedPu,
    gotPu: gap.gotPu,
    u: gap.u,
    exchTs: gap.exchTsMs,
    recoveredU: gap.recoveredU,
    staleMs: gap.staleMs,
  };
}

/**
 * The alert itself, `{id, type, symbol, side, score, tsStart, tsEnd,
 * evidence, explanation}` (actors/surveillance/alert.ts), plus `ts` = tsEnd
 * like every other event's exchange time. Non-finite numbers in the
 * evidence become null (JSON has none).
 */
export function anomalyPayload(a: AnomalyFact) {
  return {
    id: a.id,
    type: a.type,
    symbol: a.symbol,
    side: a.side,
    score: a.score,
    ts: a.tsEnd,
    tsStart: a.tsStart,
    tsEnd: a.tsEnd,
    evidence: a.evidence,
    explanation: a.explanation,
  };
}

/** `{symbol, ts, up, stationary, down, horizon, model}`: `ts` is the newest window event's exchange time, `horizon` k in events. */
export function predictionPayload(p: PredictionFact) {
  return { symbol: p.symbol, ts: p.exchTsMs, up: p.up, stationary: p.stationary, down: p.down, horizon: p.horizon, model: p.model };
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

/**
 * Writes the same JSON as `JSON.stringify(featuresPayload(row, names))`
 * without building an object of 50+ keys per row: the key fragments are
 * escaped once, up front. This is the hub's hottest serialisation.
 */
export class FeaturesJsonEncoder {
  private readonly keyFragments: string[];

  constructor(names: readonly string[]) {
    this.keyFragments = names.map((name) => `,${JSON.stringify(name)}:`);
  }

  encode(row: FeatureRow): string {
    let json = `{"symbol":${JSON.stringify(row.symbol)},"ts":${jsonNumber(row.exchTsMs)}`;
    const values = row.values;
    const keys = this.keyFragments;
    for (let i = 0; i < keys.length; i++) json += keys[i]! + jsonNumber(values[i]!);
    return `${json}}`;
  }
}

/** Same JSON as `JSON.stringify(bookPayload(update))`. */
export function bookJson(update: BookUpdate): string {
  return `{"symbol":${JSON.stringify(update.symbol)},"ts":${jsonNumber(update.exchTsMs)},"u":${jsonNumber(update.u)},"stale":${update.stale},"bids":${levelsJson(update.topBidPrice, update.topBidQty)},"asks":${levelsJson(update.topAskPrice, update.topAskQty)}}`;
}

function levelsJson(prices: Float64Array, qty: Float64Array): string {
  if (prices.length === 0) return "[]";
  let json = "[";
  for (let i = 0; i < prices.length; i++) json += `${i === 0 ? "" : ","}[${jsonNumber(prices[i]!)},${jsonNumber(qty[i]!)}]`;
  return `${json}]`;
}

function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : "null";
}
