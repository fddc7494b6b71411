/**
 * Binance USDT-M futures stream names and connection URLs after the 2026
 * split: depth, bookTicker and trade are served under `/public/stream`,
 * aggTrade, markPrice and forceOrder under `/market/stream`. A connection
 * carries at most 200 streams here (Binance allows more, but fewer streams
 * per connection keep one slow socket from stalling many symbols).
 */

export type DepthSpeed = "0ms" | "100ms" | "250ms" | "500ms";
export type StreamGroup = "public" | "market";

export const DEFAULT_WS_BASE = "wss://fstream.binance.com";
export const DEFAULT_REST_BASE = "https://fapi.binance.com";
export const MAX_STREAMS_PER_CONNECTION = 200;

/** Binance names the 250 ms diff stream plain `<sym>@depth`. */
export function depthStreamName(symbol: string, speed: DepthSpeed): string {
  const lower = symbol.toLowerCase();
  return speed === "250ms" ? `${lower}@depth` : `${lower}@depth@${speed}`;
}

export interface StreamPlan {
  readonly group: StreamGroup;
  readonly streams: readonly string[];
}

export interface StreamSelection {
  readonly depthSpeed: DepthSpeed;
  /** `<sym>@trade` on the public connections (default true). */
  readonly trades?: boolean;
  /** `<sym>@aggTrade` on the market connections (default true). */
  readonly aggTrades?: boolean;
  readonly maxStreamsPerConnection?: number;
}

/** The connections to open: public ones (depth + trade), then market ones (aggTrade), each at most `max` streams. */
export function planConnections(symbols: readonly string[], selection: StreamSelection): StreamPlan[] {
  const max = selection.maxStreamsPerConnection ?? MAX_STREAMS_PER_CONNECTION;
  if (!(Number.isInteger(max) && max >= 1)) throw new RangeError(`maxStreamsPerConnection must be a positive integer: ${max}`);
  const publicStreams: string[] = [];
  const marketStreams: string[] = [];
  for (const symbol of symbols) {
    // A symbol's depth and trades stay on one connection where possible, so one reconnect disturbs one symbol set.
    publicStreams.push(depthStreamName(symbol, selection.depthSpeed));
    if (selection.trades !== false) publicStreams.push(`${symbol.toLowerCase()}@trade`);
    if (selection.aggTrades !== false) marketStreams.push(`${symbol.toLowerCase()}@aggTrade`);
  }
  const plans: StreamPlan[] = [];
  for (const [group, streams] of [["public", publicStreams], ["market", marketStreams]] as const) {
    for (let i = 0; i < streams.length; i += max) plans.push({ group, streams: streams.slice(i, i + max) });
  }
  return plans;
}

export function streamUrl(wsBase: string, plan: StreamPlan): string {
  return `${wsBase.replace(/\/+$/, "")}/${plan.group}/stream?streams=${plan.streams.join("/")}`;
}
