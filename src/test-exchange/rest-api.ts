/**
 * The test exchange's REST endpoints, as Binance USDT-M futures answers them:
 * `/fapi/v1/depth` (the exchange's current book), `/fapi/v1/exchangeInfo`,
 * `/fapi/v1/ping`, `/fapi/v1/time`; request weights in
 * `x-mbx-used-weight-1m`, 429/418 with Retry-After, Binance-style error
 * bodies (`{"code":-1121,"msg":"Invalid symbol."}`).
 */
import type { FaultCounters, RestFaults } from "./faults.ts";
import type { MarketState } from "./market-state.ts";
import { depthWeight, VALID_DEPTH_LIMITS, type WeightLimiter } from "./rest-limits.ts";

export interface RestStats {
  requests: number;
  depthRequests: number;
  depthServed: number;
  /** By symbol: depth snapshots served. */
  depthServedBySymbol: Record<string, number>;
  badRequests: number;
}

export interface RestContext {
  readonly market: MarketState;
  readonly limiter: WeightLimiter;
  readonly faults: RestFaults;
  readonly faultCounters: FaultCounters;
  readonly stats: RestStats;
  /** Wall-clock milliseconds (the weight window is aligned to it, as Binance's minute is). */
  nowMs(): number;
}

export function newRestStats(): RestStats {
  return { requests: 0, depthRequests: 0, depthServed: 0, depthServedBySymbol: {}, badRequests: 0 };
}

const JSON_TYPE = "application/json";

function respond(status: number, body: string, usedWeight: number, extra: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": JSON_TYPE, "x-mbx-used-weight-1m": String(usedWeight), ...extra } });
}

function binanceError(status: number, code: number, msg: string, usedWeight: number, extra?: Record<string, string>): Response {
  return respond(status, JSON.stringify({ code, msg }), usedWeight, extra);
}

/** Answers a `/fapi/...` request, or undefined when the path is not a REST endpoint. */
export async function handleRest(request: Request, url: URL, ctx: RestContext): Promise<Response | undefined> {
  if (!url.pathname.startsWith("/fapi/")) return undefined;
  ctx.stats.requests++;
  if (request.method !== "GET") return binanceError(405, -1000, `Method ${request.method} not allowed.`, ctx.limiter.usedWeight(ctx.nowMs()));
  switch (url.pathname) {
    case "/fapi/v1/ping":
      return charged(ctx, 1, () => "{}");
    case "/fapi/v1/time":
      return charged(ctx, 1, () => JSON.stringify({ serverTime: Math.floor(ctx.nowMs()) }));
    case "/fapi/v1/exchangeInfo":
      return charged(ctx, 1, () => ctx.market.exchangeInfoBody(ctx.nowMs(), ctx.limiter.limit));
    case "/fapi/v1/depth":
      return depth(url, ctx);
    default:
      return binanceError(404, -5000, `Path ${url.pathname}, Method GET is invalid`, ctx.limiter.usedWeight(ctx.nowMs()));
  }
}

function charged(ctx: RestContext, weight: number, body: () => string): Response {
  const decision = ctx.limiter.charge(weight, ctx.nowMs());
  if (!decision.ok) return refused(decision.status, decision.retryAfterSec, decision.usedWeight);
  return respond(200, body(), decision.usedWeight);
}

function refused(status: number, retryAfterSec: number, usedWeight: number): Response {
  const msg =
    status === 418
      ? "Way too many requests; IP banned until later. Please use the websocket for live updates to avoid bans."
      : "Too many requests; current limit of IP is exceeded. Please use the websocket for live updates to avoid polling the API.";
  return binanceError(status, -1003, msg, usedWeight, { "retry-after": String(retryAfterSec) });
}

async function depth(url: URL, ctx: RestContext): Promise<Response> {
  ctx.stats.depthRequests++;
  const nowMs = ctx.nowMs();
  const symbolParam = url.searchParams.get("symbol");
  const limitParam = url.searchParams.get("limit");
  const used = ctx.limiter.usedWeight(nowMs);
  if (!symbolParam) {
    ctx.stats.badRequests++;
    return binanceError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.", used);
  }
  const symbol = symbolParam.toUpperCase();
  if (!ctx.market.has(symbol)) {
    ctx.stats.badRequests++;
    return binanceError(400, -1121, "Invalid symbol.", used);
  }
  const limit = limitParam === null ? 500 : Number(limitParam);
  if (!VALID_DEPTH_LIMITS.includes(limit)) {
    ctx.stats.badRequests++;
    return binanceError(400, -1130, "Data sent for parameter 'limit' is not valid.", used);
  }
  const forced = ctx.faults.nextError();
  if (forced) {
    ctx.faultCounters.restErrors++;
    if (forced.status === 429 || forced.status === 418) {
      const retryAfterSec = forced.retryAfterSec ?? 1;
      // A forced 429 binds the client like a real one: calling again before Retry-After is abuse.
      ctx.limiter.forceWait(nowMs + retryAfterSec * 1000);
      return refused(forced.status, retryAfterSec, used);
    }
    return binanceError(forced.status, -1001, "Internal error; unable to process your request. Please try again.", used);
  }
  const decision = ctx.limiter.charge(depthWeight(limit), nowMs);
  if (!decision.ok) return refused(decision.status, decision.retryAfterSec, decision.usedWeight);
  // The book is read when the request is served; a delayed answer carries that older book, as a slow server's would.
  const body = ctx.market.restBody(symbol, limit);
  const delayMs = ctx.faults.nextDelayMs();
  if (delayMs > 0) {
    ctx.faultCounters.delayedSnapshots++;
    await Bun.sleep(delayMs);
  }
  ctx.stats.depthServed++;
  ctx.stats.depthServedBySymbol[symbol] = (ctx.stats.depthServedBySymbol[symbol] ?? 0) + 1;
  return respond(200, body, decision.usedWeight);
}
