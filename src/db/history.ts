/**
 * Read side of the recorder: bucketed series and recent trades of one symbol
 * over a time range, for the history API and the console's prefill. Pure of
 * the web layer (the routes validate and call these); every value reaches
 * SQL as a bind parameter of a postgres.js tagged template.
 *
 * Time ranges are half-open [from, to) on `ts`, the EXCHANGE time (the
 * partition key, so only the partitions in range are read). Buckets are
 * aligned to the Unix epoch (`date_bin(step, ts, epoch)`), not to `from`: the
 * same step always gives the same bucket boundaries, and the first and last
 * buckets may be partial. Buckets with no row at all are absent (the series
 * is sparse); a bucket with trades but no feature rows has null prices.
 *
 * Per bucket:
 *   mid          the LAST mid in the bucket (the close): a price the book
 *                really showed, which joins the live mid without a seam
 *                (an average would smooth jumps the live chart then shows).
 *   spread       average spread, in price units.
 *   imbalance    average imbalance_l5.
 *   volume       summed trade quantity; buyVolume/sellVolume by aggressor.
 *   trades       number of trades.
 * NaN and infinite feature values (an empty book side) are left out.
 */
import type { Sql } from "postgres";

/** Most buckets one series request may produce: bounds the work and the answer. */
export const MAX_BUCKETS = 5000;
/** Most trades one request may return. */
export const MAX_TRADES = 5000;

export interface SeriesQuery {
  readonly symbol: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepMs: number;
}

export interface HistoryBucket {
  /** Bucket start, epoch ms (exchange time). */
  readonly ts: number;
  readonly mid: number | null;
  readonly spread: number | null;
  readonly imbalance: number | null;
  readonly volume: number;
  readonly buyVolume: number;
  readonly sellVolume: number;
  readonly trades: number;
}

export interface TradesQuery {
  readonly symbol: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly limit: number;
}

export interface TradeRow {
  /** Exchange time, epoch ms. */
  readonly ts: number;
  /** Local receive time, epoch ms (fractional). */
  readonly localTs: number;
  readonly tradeId: number;
  readonly price: number;
  readonly qty: number;
  /** The aggressor. */
  readonly side: "buy" | "sell";
}

/** What the web layer is given (views/deps.ts `history`). */
export interface HistoryQueries {
  series(query: SeriesQuery): Promise<HistoryBucket[]>;
  /** Newest first, at most `limit`. */
  trades(query: TradesQuery): Promise<TradeRow[]>;
}

export type HistoryErrorCode = "bad_range" | "bad_step" | "too_many_buckets" | "bad_limit";

/** A query these functions refuse before touching the database; the routes check first and answer 400. */
export class HistoryQueryError extends Error {
  constructor(
    readonly code: HistoryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "HistoryQueryError";
  }
}

export function historyQueries(sql: Sql): HistoryQueries {
  return {
    series: (query) => historySeries(sql, query),
    trades: (query) => recentTrades(sql, query),
  };
}

/** Epoch-aligned buckets of `stepMs` that [fromMs, toMs) touches. */
export function bucketCount(fromMs: number, toMs: number, stepMs: number): number {
  return Math.ceil(toMs / stepMs) - Math.floor(fromMs / stepMs);
}

function checkRange(fromMs: number, toMs: number): void {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs < 0 || fromMs >= toMs) {
    throw new HistoryQueryError("bad_range", `invalid time range: fromMs=${fromMs}, toMs=${toMs} (need 0 <= from < to)`);
  }
}

export async function historySeries(sql: Sql, query: SeriesQuery): Promise<HistoryBucket[]> {
  const { symbol, fromMs, toMs, stepMs } = query;
  checkRange(fromMs, toMs);
  if (!Number.isSafeInteger(stepMs) || stepMs < 1) {
    throw new HistoryQueryError("bad_step", `invalid step: stepMs=${stepMs} (need a whole number of milliseconds >= 1)`);
  }
  const buckets = bucketCount(fromMs, toMs, stepMs);
  if (buckets > MAX_BUCKETS) {
    throw new HistoryQueryError("too_many_buckets", `stepMs=${stepMs} over ${toMs - fromMs} ms gives ${buckets} buckets; at most ${MAX_BUCKETS}`);
  }
  const from = new Date(fromMs);
  const to = new Date(toMs);
  const step = sql`make_interval(secs => ${stepMs}::float8 / 1000)`;
  const origin = sql`'1970-01-01T00:00:00Z'::timestamptz`;
  // The close: max() over [epoch seconds, mid] pairs picks the latest row's mid without
  // collecting and sorting every row of the bucket (arrays compare element by element).
  const rows = await sql<BucketRow[]>`
    WITH f AS (
      SELECT date_bin(${step}, ts, ${origin}) AS bucket,
             (max(ARRAY[extract(epoch FROM ts)::float8, mid]) FILTER (WHERE mid > '-Infinity' AND mid < 'Infinity'))[2] AS mid,
             avg(spread) FILTER (WHERE spread > '-Infinity' AND spread < 'Infinity') AS spread,
             avg(imbalance_l5) FILTER (WHERE imbalance_l5 > '-Infinity' AND imbalance_l5 < 'Infinity') AS imbalance
        FROM features
       WHERE symbol = ${symbol} AND ts >= ${from} AND ts < ${to}
       GROUP BY 1
    ), t AS (
      SELECT date_bin(${step}, ts, ${origin}) AS bucket,
             sum(qty) AS volume,
             coalesce(sum(qty) FILTER (WHERE side = 'buy'), 0) AS buy_volume,
             coalesce(sum(qty) FILTER (WHERE side = 'sell'), 0) AS sell_volume,
             count(*)::int4 AS trades
        FROM trades
       WHERE symbol = ${symbol} AND ts >= ${from} AND ts < ${to}
       GROUP BY 1
    )
    SELECT (extract(epoch FROM bucket) * 1000)::float8 AS ts_ms,
           f.mid, f.spread, f.imbalance,
           coalesce(t.volume, 0)::float8 AS volume,
           coalesce(t.buy_volume, 0)::float8 AS buy_volume,
           coalesce(t.sell_volume, 0)::float8 AS sell_volume,
           coalesce(t.trades, 0)::int4 AS trades
      FROM f FULL JOIN t USING (bucket)
     ORDER BY bucket`;
  return rows.map((row) => ({
    ts: row.ts_ms,
    mid: row.mid,
    spread: row.spread,
    imbalance: row.imbalance,
    volume: row.volume,
    buyVolume: row.buy_volume,
    sellVolume: row.sell_volume,
    trades: row.trades,
  }));
}

interface BucketRow {
  ts_ms: number;
  mid: number | null;
  spread: number | null;
  imbalance: number | null;
  volume: number;
  buy_volume: number;
  sell_volume: number;
  trades: number;
}

export async function recentTrades(sql: Sql, query: TradesQuery): Promise<TradeRow[]> {
  const { symbol, fromMs, toMs, limit } = query;
  checkRange(fromMs, toMs);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_TRADES) {
    throw new HistoryQueryError("bad_limit", `invalid limit: limit=${limit} (need 1 to ${MAX_TRADES})`);
  }
  const rows = await sql<TradeSqlRow[]>`
    SELECT (extract(epoch FROM ts) * 1000)::float8 AS ts_ms,
           (extract(epoch FROM local_ts) * 1000)::float8 AS local_ts_ms,
           trade_id, price, qty, side
      FROM trades
     WHERE symbol = ${symbol} AND ts >= ${new Date(fromMs)} AND ts < ${new Date(toMs)}
     ORDER BY ts DESC, trade_id DESC
     LIMIT ${limit}`;
  return rows.map((row) => ({
    ts: row.ts_ms,
    localTs: row.local_ts_ms,
    // bigint: a string by default, a BigInt where the client maps int8 so; trade ids fit a double.
    tradeId: Number(row.trade_id),
    price: row.price,
    qty: row.qty,
    side: row.side,
  }));
}

interface TradeSqlRow {
  ts_ms: number;
  local_ts_ms: number;
  trade_id: string | bigint | number;
  price: number;
  qty: number;
  side: "buy" | "sell";
}
