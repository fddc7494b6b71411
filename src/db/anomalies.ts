/**
 * Read side of the recorded alerts (sql/003_anomalies.sql) and of the book
 * around one alert, for the console's alerts pages. Every value reaches SQL
 * as a bind parameter of a postgres.js tagged template; the routes validate
 * first (views/alerts-params.ts).
 *
 * Times are exchange epoch milliseconds. An alert's `ts` is its end, so a
 * time range selects alerts that ENDED in [from, to).
 */
import type { Sql } from "postgres";
import type { Alert, AlertType } from "../../actors/surveillance/alert.ts";

/** Most alerts one list request may return. */
export const MAX_ANOMALIES = 1000;
/** Most book snapshots one replay returns (10 s either side at the 100 ms cadence is ~200 plus the episode). */
export const MAX_BOOK_SNAPSHOTS = 5000;

export interface AnomalyListQuery {
  /** null: every symbol. */
  readonly symbol: string | null;
  readonly type: AlertType | null;
  /** Alerts scoring at least this (0-100). */
  readonly minScore: number;
  /** null: unbounded (a replay's alerts carry the recording's old times). */
  readonly fromMs: number | null;
  readonly toMs: number | null;
  readonly limit: number;
}

/** An alert as recorded (the Alert fields). */
export type AnomalyRecord = Alert;

export interface BookSnapshot {
  /** Exchange time, epoch ms. */
  readonly ts: number;
  readonly stale: boolean;
  readonly bidPx: number[];
  readonly bidQty: number[];
  readonly askPx: number[];
  readonly askQty: number[];
}

/** What the web layer is given (views/deps.ts `anomalies`). */
export interface AnomalyQueries {
  /** Newest first (by end time), at most `limit`. */
  list(query: AnomalyListQuery): Promise<AnomalyRecord[]>;
  /** null when no alert has that id. */
  byId(id: string): Promise<AnomalyRecord | null>;
  /** Recorded snapshots of `symbol` in [fromMs, toMs], oldest first, at most `limit`. */
  book(symbol: string, fromMs: number, toMs: number, limit?: number): Promise<BookSnapshot[]>;
}

export function anomalyQueries(sql: Sql): AnomalyQueries {
  return {
    list: (query) => listAnomalies(sql, query),
    byId: (id) => anomalyById(sql, id),
    book: (symbol, fromMs, toMs, limit) => bookAround(sql, symbol, fromMs, toMs, limit),
  };
}

interface AnomalySqlRow {
  id: string;
  type: AlertType;
  symbol: string;
  side: "bid" | "ask";
  score: number;
  start_ms: number;
  end_ms: number;
  evidence: Record<string, unknown>;
  explanation: string;
}

function record(row: AnomalySqlRow): AnomalyRecord {
  return {
    id: row.id,
    type: row.type,
    symbol: row.symbol,
    side: row.side,
    score: row.score,
    tsStart: row.start_ms,
    tsEnd: row.end_ms,
    evidence: row.evidence,
    explanation: row.explanation,
  };
}

export async function listAnomalies(sql: Sql, query: AnomalyListQuery): Promise<AnomalyRecord[]> {
  const { symbol, type, minScore, fromMs, toMs, limit } = query;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_ANOMALIES) throw new RangeError(`invalid limit: limit=${limit} (need 1 to ${MAX_ANOMALIES})`);
  const rows = await sql<AnomalySqlRow[]>`
    SELECT id, type, symbol, side, score,
           (extract(epoch FROM ts_start) * 1000)::float8 AS start_ms,
           (extract(epoch FROM ts_end) * 1000)::float8 AS end_ms,
           evidence, explanation
      FROM anomalies
     WHERE score >= ${minScore}
       ${symbol === null ? sql`` : sql`AND symbol = ${symbol}`}
       ${type === null ? sql`` : sql`AND type = ${type}`}
       ${fromMs === null ? sql`` : sql`AND ts >= ${new Date(fromMs)}`}
       ${toMs === null ? sql`` : sql`AND ts < ${new Date(toMs)}`}
     ORDER BY ts DESC, id DESC
     LIMIT ${limit}`;
  return rows.map(record);
}

export async function anomalyById(sql: Sql, id: string): Promise<AnomalyRecord | null> {
  const [row] = await sql<AnomalySqlRow[]>`
    SELECT id, type, symbol, side, score,
           (extract(epoch FROM ts_start) * 1000)::float8 AS start_ms,
           (extract(epoch FROM ts_end) * 1000)::float8 AS end_ms,
           evidence, explanation
      FROM anomalies WHERE id = ${id}
     ORDER BY ts DESC LIMIT 1`;
  return row ? record(row) : null;
}

export async function bookAround(sql: Sql, symbol: string, fromMs: number, toMs: number, limit = MAX_BOOK_SNAPSHOTS): Promise<BookSnapshot[]> {
  const rows = await sql<{ ts_ms: number; stale: boolean; bid_px: number[]; bid_qty: number[]; ask_px: number[]; ask_qty: number[] }[]>`
    SELECT (extract(epoch FROM ts) * 1000)::float8 AS ts_ms, stale, bid_px, bid_qty, ask_px, ask_qty
      FROM book_snapshots
     WHERE symbol = ${symbol} AND ts >= ${new Date(fromMs)} AND ts <= ${new Date(toMs)}
     ORDER BY ts, u
     LIMIT ${limit}`;
  return rows.map((r) => ({ ts: r.ts_ms, stale: r.stale, bidPx: r.bid_px, bidQty: r.bid_qty, askPx: r.ask_px, askQty: r.ask_qty }));
}
