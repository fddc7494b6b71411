/**
 * Query-string rules for the history API (`/api/history`, `/api/trades`).
 * Pure: every rejection is a 400 whose message names the parameter and the
 * value. Times are epoch milliseconds or ISO-8601 (no zone means UTC, as for
 * the replay controls); steps are milliseconds or `<n>ms|s|m|h|d`.
 */
import { bucketCount, MAX_BUCKETS, MAX_TRADES } from "../src/db/history.ts";
import { badRequest } from "./http.ts";
import { servedSymbol } from "./query.ts";

export const HOUR_MS = 3_600_000;
/** Without `from`, the range is the hour before `to`. */
export const DEFAULT_RANGE_MS = HOUR_MS;
/** Without `step`, the smallest STEP_LADDER_MS step that keeps the range within this many buckets (one more where the range is not step-aligned). */
export const TARGET_POINTS = 720;
/** Longest range one request may read: the bucket bound limits the answer, this the rows scanned. */
export const MAX_RANGE_MS = 31 * 24 * HOUR_MS;
export const DEFAULT_TRADES_LIMIT = 500;

/** Round steps for the default, ascending. */
export const STEP_LADDER_MS: readonly number[] = [
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, HOUR_MS, 2 * HOUR_MS, 6 * HOUR_MS,
  12 * HOUR_MS, 24 * HOUR_MS,
];

export interface HistoryParams {
  readonly symbol: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepMs: number;
}

export interface TradesParams {
  readonly symbol: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly limit: number;
}

export interface RawHistoryQuery {
  symbol?: string;
  from?: string;
  to?: string;
  step?: string;
  limit?: string;
}

const EPOCH_MS = /^\d{1,16}(\.\d{1,6})?$/;
// ISO-8601 date-time: `T` or a space, seconds and fraction optional, zone optional (absent: UTC); or a date alone.
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2})?(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const STEP = /^(\d{1,10})(ms|s|m|h|d)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: HOUR_MS, d: 24 * HOUR_MS };

/** `name=<epoch ms>` or `name=<ISO-8601>`. */
export function parseInstant(name: string, raw: string): number {
  const text = raw.trim();
  let tsMs = Number.NaN;
  if (EPOCH_MS.test(text)) {
    tsMs = Number(text);
  } else {
    const m = ISO.exec(text);
    if (m) {
      const fraction = m[4] ? `.${m[4].slice(0, 3).padEnd(3, "0")}` : "";
      let zone = (m[5] ?? "Z").toUpperCase();
      if (zone !== "Z" && !zone.includes(":")) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
      tsMs = Date.parse(`${m[1]}T${m[2] ?? "00:00"}${m[3] ?? ":00"}${fraction}${zone}`);
    }
  }
  if (!Number.isFinite(tsMs)) {
    throw badRequest(`invalid ${name} ${JSON.stringify(raw)}: expected epoch milliseconds or an ISO-8601 time such as 2024-07-18T00:30:00Z`);
  }
  return tsMs;
}

/** `step=<ms>` or `step=<n><unit>` (`ms`, `s`, `m`, `h`, `d`). */
export function parseStep(raw: string): number {
  const m = STEP.exec(raw.trim());
  const stepMs = m ? Number(m[1]) * UNIT_MS[m[2] ?? "ms"]! : Number.NaN;
  if (!(stepMs >= 1 && stepMs <= MAX_RANGE_MS)) {
    throw badRequest(`invalid step ${JSON.stringify(raw)}: expected milliseconds or a duration such as 1s, 1m, 5m, 1h (at most 31d)`);
  }
  return stepMs;
}

/** The smallest ladder step that gives at most TARGET_POINTS buckets over the range (+1: an unaligned range touches one more). */
export function defaultStepMs(fromMs: number, toMs: number): number {
  for (const stepMs of STEP_LADDER_MS) {
    if (bucketCount(fromMs, toMs, stepMs) <= TARGET_POINTS + 1) return stepMs;
  }
  return STEP_LADDER_MS[STEP_LADDER_MS.length - 1]!;
}

function parseSymbol(raw: string | undefined, served: readonly string[]): string {
  if (raw === undefined || raw.trim() === "") throw badRequest(`missing symbol: give symbol=<one of ${served.join(",")}>`);
  return servedSymbol("symbol", raw, served);
}

/** `to` defaults to now, `from` to an hour before `to`. */
function parseRange(query: RawHistoryQuery, nowMs: number): { fromMs: number; toMs: number } {
  const toMs = query.to === undefined || query.to === "" ? nowMs : parseInstant("to", query.to);
  const fromMs = query.from === undefined || query.from === "" ? Math.max(0, toMs - DEFAULT_RANGE_MS) : parseInstant("from", query.from);
  if (fromMs >= toMs) {
    throw badRequest(`from ${JSON.stringify(query.from ?? "")} (${iso(fromMs)}) must be before to (${iso(toMs)})`);
  }
  if (toMs - fromMs > MAX_RANGE_MS) {
    throw badRequest(`range too long: from ${iso(fromMs)} to ${iso(toMs)} is more than 31 days; ask for less`);
  }
  return { fromMs, toMs };
}

export function parseHistoryQuery(query: RawHistoryQuery, served: readonly string[], nowMs: number): HistoryParams {
  const symbol = parseSymbol(query.symbol, served);
  const { fromMs, toMs } = parseRange(query, nowMs);
  if (query.step === undefined || query.step === "") return { symbol, fromMs, toMs, stepMs: defaultStepMs(fromMs, toMs) };
  const stepMs = parseStep(query.step);
  const buckets = bucketCount(fromMs, toMs, stepMs);
  if (buckets > MAX_BUCKETS) {
    const smallest = Math.ceil((toMs - fromMs) / (MAX_BUCKETS - 1));
    throw badRequest(`step too small: step ${JSON.stringify(query.step)} gives ${buckets} buckets over this range; at most ${MAX_BUCKETS} (use step=${smallest} or more)`);
  }
  return { symbol, fromMs, toMs, stepMs };
}

export function parseTradesQuery(query: RawHistoryQuery, served: readonly string[], nowMs: number): TradesParams {
  const symbol = parseSymbol(query.symbol, served);
  const { fromMs, toMs } = parseRange(query, nowMs);
  let limit = DEFAULT_TRADES_LIMIT;
  if (query.limit !== undefined && query.limit !== "") {
    limit = /^\d{1,6}$/.test(query.limit.trim()) ? Number(query.limit.trim()) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_TRADES)) {
      throw badRequest(`limit out of range: ${JSON.stringify(query.limit)}; expected an integer from 1 to ${MAX_TRADES}`);
    }
  }
  return { symbol, fromMs, toMs, limit };
}

function iso(tsMs: number): string {
  return Number.isFinite(tsMs) && Math.abs(tsMs) < 8.64e15 ? new Date(tsMs).toISOString() : String(tsMs);
}
