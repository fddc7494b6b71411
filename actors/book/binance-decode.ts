/**
 * Decodes Binance USDT-M futures websocket frames (combined-stream envelope)
 * and REST depth snapshots into plain typed messages. Pure; never throws on
 * input: anything unusable comes back as `{ kind: "malformed", reason }`.
 *
 * Prices and quantities become numbers here (`Number` of Binance's
 * decimal strings; a string that is not a number becomes NaN, which the book
 * rejects). Levels are struct-of-arrays: bids first, then asks.
 */

/** Price levels of one message: `prices[i]`/`quantities[i]`, bids at `[0, bidCount)`, asks after. */
export interface Levels {
  readonly bidCount: number;
  readonly prices: Float64Array;
  readonly quantities: Float64Array;
}

export interface DepthDiffMsg {
  readonly kind: "depth";
  readonly symbol: string;
  readonly exchTsMs: number;
  readonly firstUpdateId: number;
  readonly finalUpdateId: number;
  readonly prevFinalUpdateId: number;
  readonly levels: Levels;
}

export interface TradeMsg {
  readonly kind: "trade";
  readonly symbol: string;
  readonly exchTsMs: number;
  readonly tradeId: number;
  readonly price: number;
  readonly qty: number;
  /** Binance `m`: the buyer was the maker, so the aggressor sold. */
  readonly buyerIsMaker: boolean;
}

export interface SnapshotMsg {
  readonly kind: "snapshot";
  readonly symbol: string;
  readonly exchTsMs: number;
  readonly lastUpdateId: number;
  readonly levels: Levels;
}

/** A well-formed message the book does not use (aggTrade, bookTicker, markPrice, ...). */
export interface IgnoredMsg {
  readonly kind: "ignored";
  readonly eventType: string;
}

export interface MalformedMsg {
  readonly kind: "malformed";
  readonly reason: string;
}

export type DecodedMsg = DepthDiffMsg | TradeMsg | SnapshotMsg | IgnoredMsg | MalformedMsg;

const malformed = (reason: string): MalformedMsg => ({ kind: "malformed", reason });

/** `symbolHint` names the symbol of a REST snapshot, whose body does not. */
export function decodeFrame(text: string, symbolHint?: string): DecodedMsg {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return malformed(`invalid JSON: ${text.slice(0, 60)}`);
  }
  if (typeof parsed !== "object" || parsed === null) return malformed("frame is not a JSON object");
  const envelope = parsed as Record<string, unknown>;
  const data = (envelope.data ?? envelope) as Record<string, unknown>;
  if (typeof data !== "object" || data === null) return malformed("frame data is not an object");
  if ("lastUpdateId" in data) return decodeSnapshot(data, symbolHint);
  switch (data.e) {
    case "depthUpdate":
      return decodeDepth(data);
    case "trade":
      return decodeTrade(data);
    case undefined:
      return malformed("frame has no event type");
    default:
      return { kind: "ignored", eventType: String(data.e) };
  }
}

function decodeDepth(d: Record<string, unknown>): DepthDiffMsg | MalformedMsg {
  const { s, E, U, u, pu, b, a } = d;
  if (typeof s !== "string") return malformed("depthUpdate without symbol s");
  if (!isInt(U) || !isInt(u) || !isInt(pu)) return malformed(`depthUpdate ${s}: U/u/pu must be integers`);
  if (!isNum(E)) return malformed(`depthUpdate ${s}: E must be a number`);
  if (!isLevels(b) || !isLevels(a)) return malformed(`depthUpdate ${s} u=${u}: b/a must be [price, qty] string pairs`);
  return { kind: "depth", symbol: s, exchTsMs: E, firstUpdateId: U, finalUpdateId: u, prevFinalUpdateId: pu, levels: toLevels(b, a) };
}

function decodeTrade(d: Record<string, unknown>): TradeMsg | MalformedMsg {
  const { s, T, E, t, p, q, m } = d;
  if (typeof s !== "string") return malformed("trade without symbol s");
  if (typeof p !== "string" || typeof q !== "string" || typeof m !== "boolean" || !isInt(t)) {
    return malformed(`trade ${s}: p/q must be strings, t an integer, m a boolean`);
  }
  const exchTsMs = isNum(T) ? T : E;
  if (!isNum(exchTsMs)) return malformed(`trade ${s} t=${t}: T/E must be numbers`);
  return { kind: "trade", symbol: s, exchTsMs, tradeId: t, price: decimal(p), qty: decimal(q), buyerIsMaker: m };
}

function decodeSnapshot(d: Record<string, unknown>, symbolHint: string | undefined): SnapshotMsg | MalformedMsg {
  const { lastUpdateId, E, T, bids, asks } = d;
  const symbol = typeof d.symbol === "string" ? d.symbol : symbolHint;
  if (!symbol) return malformed("depth snapshot without a symbol");
  if (!isInt(lastUpdateId)) return malformed(`depth snapshot ${symbol}: lastUpdateId must be an integer`);
  if (!isLevels(bids) || !isLevels(asks)) return malformed(`depth snapshot ${symbol}: bids/asks must be [price, qty] string pairs`);
  const exchTsMs = isNum(E) ? E : isNum(T) ? T : 0;
  return { kind: "snapshot", symbol, exchTsMs, lastUpdateId, levels: toLevels(bids, asks) };
}

function isNum(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function isInt(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

type PriceLevelText = readonly [string, string];

function toLevels(bids: readonly PriceLevelText[], asks: readonly PriceLevelText[]): Levels {
  const count = bids.length + asks.length;
  const prices = new Float64Array(count);
  const quantities = new Float64Array(count);
  for (let i = 0; i < bids.length; i++) {
    prices[i] = decimal(bids[i]![0]);
    quantities[i] = decimal(bids[i]![1]);
  }
  for (let i = 0; i < asks.length; i++) {
    prices[bids.length + i] = decimal(asks[i]![0]);
    quantities[bids.length + i] = decimal(asks[i]![1]);
  }
  return { bidCount: bids.length, prices, quantities };
}

function isLevels(value: unknown): value is PriceLevelText[] {
  if (!Array.isArray(value)) return false;
  for (const level of value) {
    if (!Array.isArray(level) || typeof level[0] !== "string" || typeof level[1] !== "string") return false;
  }
  return true;
}

/** Binance's decimal strings; stricter than parseFloat, which would accept "1.5abc". */
function decimal(text: string): number {
  return text.length > 0 ? Number(text) : Number.NaN;
}
