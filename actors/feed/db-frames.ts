/**
 * Recorded rows in, RawFrames out: what `--mode replay --from-db` feeds the
 * book actor, in the Binance formats it already decodes.
 *
 *   book_snapshots row → a REST depth snapshot frame
 *     {"lastUpdateId":u,"E":ts,"T":ts,"bids":[["p","q"],...],"asks":[...]}
 *     with `symbol` set on the RawFrame (the body names none). The book
 *     resets to it: recorded books are top-N samples taken every
 *     --record-book-ms, so a replayed book holds only those N levels per
 *     side and replayed features are computed from top-N books sampled at
 *     that cadence, not from the full diff stream. Rows recorded `stale`
 *     (the book was resyncing) are skipped, as the live book published no
 *     fresh state then; they are counted.
 *   trades row → a combined-stream trade frame
 *     {"stream":"<sym>@trade","data":{"e":"trade","E":ts,"T":ts,"s":...,"t":id,"p":"..","q":"..","X":"MARKET","m":side==="sell"}}
 *
 * Every frame's `localTsMs` is the recorded `local_ts` (to the microsecond).
 *
 * Order: by EXCHANGE time `ts`, then local_ts, then book before trade, then
 * the order of `symbols`, then u / trade id: deterministic, and the order
 * the analytics clocks (which run on exchange time) expect. `localTsMs` may
 * therefore step back by a few ms where two streams' latencies differ.
 * The range [fromMs, toMs) is on `ts` too (the partition key).
 *
 * Streaming: one keyset-paged query per (table, symbol), each served by the
 * (symbol, ts) index, merged here; at most one page per stream is in memory,
 * and no query holds a connection or a transaction between pages (the
 * embedded engine has a single connection, shared with the recorder). Rows
 * that are identical in (symbol, ts, local_ts, u | trade_id) are one event
 * recorded twice and come out once.
 */
import type { Sql } from "postgres";
import type { RawFrame } from "../../src/switchboard.ts";

export const DEFAULT_PAGE_ROWS = 2000;
export const DEFAULT_BATCH_FRAMES = 1024;

export interface DbFramesOptions {
  readonly symbols: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
  /** Rows per query per stream (default 2000). */
  readonly pageRows?: number;
  /** Frames per yielded batch (default 1024). */
  readonly batchFrames?: number;
  /** Filled while reading. */
  readonly stats?: DbReadStats;
}

export interface DbReadStats {
  bookSnapshots: number;
  trades: number;
  /** Snapshots recorded while the book was stale: not replayed. */
  staleSnapshotsSkipped: number;
  queries: number;
}

export function newDbReadStats(): DbReadStats {
  return { bookSnapshots: 0, trades: 0, staleSnapshotsSkipped: 0, queries: 0 };
}

/** One row of either table, with what the merge orders by. */
interface Row {
  readonly tsMs: number;
  readonly localTsMs: number;
  /** 0 book, 1 trade: a book before a trade of the same instant. */
  readonly kind: 0 | 1;
  readonly symbolIndex: number;
  /** u or trade id. */
  readonly id: number;
  readonly frame: RawFrame | null;
}

interface KeyedRow {
  ts_key: string;
  local_key: string;
  ts_ms: number;
  local_ms: number;
}

interface BookRow extends KeyedRow {
  u: number | string;
  stale: boolean;
  bid_px: number[];
  bid_qty: number[];
  ask_px: number[];
  ask_qty: number[];
}

interface TradeRow extends KeyedRow {
  trade_id: number | string;
  price: number;
  qty: number;
  side: "buy" | "sell";
}

/** The rows of one (table, symbol), a page at a time, in (ts, local_ts, id) order. */
class Stream {
  private rows: Row[] = [];
  private next = 0;
  private done = false;
  /** Keyset of the last row read: exact text of the timestamps (a Date would drop microseconds). */
  private after: Keyset | null = null;

  constructor(private readonly fetchPage: (after: Keyset | null) => Promise<Page>) {}

  /** The next row: in hand (a Row), at the end (null), or a page away (undefined: call `fill`). */
  head(): Row | null | undefined {
    if (this.next < this.rows.length) return this.rows[this.next]!;
    return this.done ? null : undefined;
  }

  /** Reads pages until a row is in hand or the stream has ended. */
  async fill(): Promise<Row | null> {
    let row = this.head();
    while (row === undefined) {
      const page = await this.fetchPage(this.after);
      this.rows = page.rows;
      this.next = 0;
      this.after = page.last ?? this.after;
      this.done = !page.full;
      row = this.head();
    }
    return row;
  }

  take(): void {
    this.next++;
  }
}

interface Keyset {
  readonly ts: string;
  readonly local: string;
  readonly id: number | string;
}

interface Page {
  readonly rows: Row[];
  readonly last: Keyset | null;
  /** A full page: there may be more. */
  readonly full: boolean;
}

/** Yields the recorded frames of `symbols` in [fromMs, toMs), in batches. */
export async function* readDbFrames(sql: Sql, options: DbFramesOptions): AsyncGenerator<RawFrame[], void> {
  const pageRows = options.pageRows ?? DEFAULT_PAGE_ROWS;
  const batchFrames = options.batchFrames ?? DEFAULT_BATCH_FRAMES;
  const stats = options.stats ?? newDbReadStats();
  const from = new Date(options.fromMs);
  const to = new Date(options.toMs);
  const streams: Stream[] = [];
  options.symbols.forEach((symbol, symbolIndex) => {
    streams.push(new Stream((after) => bookPage(sql, { symbol, symbolIndex, from, to, after, pageRows, stats })));
    streams.push(new Stream((after) => tradePage(sql, { symbol, symbolIndex, from, to, after, pageRows, stats })));
  });

  const heads = await Promise.all(streams.map((stream) => stream.fill()));
  let batch: RawFrame[] = [];
  for (;;) {
    // k is 2 × symbols, a handful: a linear scan beats a heap here.
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const row = heads[i];
      if (row && (best < 0 || before(row, heads[best]!))) best = i;
    }
    if (best < 0) break;
    const row = heads[best]!;
    const stream = streams[best]!;
    stream.take();
    heads[best] = stream.head() ?? (await stream.fill());
    if (row.frame) batch.push(row.frame);
    if (batch.length >= batchFrames) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function before(a: Row, b: Row): boolean {
  if (a.tsMs !== b.tsMs) return a.tsMs < b.tsMs;
  if (a.localTsMs !== b.localTsMs) return a.localTsMs < b.localTsMs;
  if (a.kind !== b.kind) return a.kind < b.kind;
  if (a.symbolIndex !== b.symbolIndex) return a.symbolIndex < b.symbolIndex;
  return a.id < b.id;
}

interface PageArgs {
  readonly symbol: string;
  readonly symbolIndex: number;
  readonly from: Date;
  readonly to: Date;
  readonly after: Keyset | null;
  readonly pageRows: number;
  readonly stats: DbReadStats;
}

async function bookPage(sql: Sql, args: PageArgs): Promise<Page> {
  const { symbol, symbolIndex, from, to, after, pageRows, stats } = args;
  stats.queries++;
  const rows = await sql<BookRow[]>`
    SELECT ts::text AS ts_key, local_ts::text AS local_key,
           (extract(epoch FROM ts) * 1000)::float8 AS ts_ms,
           (extract(epoch FROM local_ts) * 1000)::float8 AS local_ms,
           u, stale, bid_px, bid_qty, ask_px, ask_qty
      FROM book_snapshots
     WHERE symbol = ${symbol} AND ts >= ${from} AND ts < ${to}
           ${after ? sql`AND (ts, local_ts, u) > (${after.ts}::text::timestamptz, ${after.local}::text::timestamptz, ${after.id}::int8)` : sql``}
     ORDER BY ts, local_ts, u
     LIMIT ${pageRows}`;
  const out: Row[] = [];
  let previous = after;
  for (const row of rows) {
    const key = { ts: row.ts_key, local: row.local_key, id: row.u };
    if (sameKey(previous, key)) continue;
    previous = key;
    const u = Number(row.u);
    let frame: RawFrame | null = null;
    if (row.stale) stats.staleSnapshotsSkipped++;
    else {
      stats.bookSnapshots++;
      frame = { localTsMs: row.local_ms, symbol, text: snapshotText(u, row.ts_ms, row.bid_px, row.bid_qty, row.ask_px, row.ask_qty) };
    }
    out.push({ tsMs: row.ts_ms, localTsMs: row.local_ms, kind: 0, symbolIndex, id: u, frame });
  }
  return { rows: out, last: previous, full: rows.length === pageRows };
}

async function tradePage(sql: Sql, args: PageArgs): Promise<Page> {
  const { symbol, symbolIndex, from, to, after, pageRows, stats } = args;
  stats.queries++;
  const rows = await sql<TradeRow[]>`
    SELECT ts::text AS ts_key, local_ts::text AS local_key,
           (extract(epoch FROM ts) * 1000)::float8 AS ts_ms,
           (extract(epoch FROM local_ts) * 1000)::float8 AS local_ms,
           trade_id, price, qty, side
      FROM trades
     WHERE symbol = ${symbol} AND ts >= ${from} AND ts < ${to}
           ${after ? sql`AND (ts, local_ts, trade_id) > (${after.ts}::text::timestamptz, ${after.local}::text::timestamptz, ${after.id}::int8)` : sql``}
     ORDER BY ts, local_ts, trade_id
     LIMIT ${pageRows}`;
  const out: Row[] = [];
  let previous = after;
  for (const row of rows) {
    const key = { ts: row.ts_key, local: row.local_key, id: row.trade_id };
    if (sameKey(previous, key)) continue;
    previous = key;
    const tradeId = Number(row.trade_id);
    stats.trades++;
    const frame = { localTsMs: row.local_ms, text: tradeText(symbol, tradeId, row.ts_ms, row.price, row.qty, row.side) };
    out.push({ tsMs: row.ts_ms, localTsMs: row.local_ms, kind: 1, symbolIndex, id: tradeId, frame });
  }
  return { rows: out, last: previous, full: rows.length === pageRows };
}

/** The keyset skips rows equal to the last one read, so equal rows within a page are skipped too: page size never changes the output. */
function sameKey(a: Keyset | null, b: Keyset): boolean {
  return a !== null && a.ts === b.ts && a.local === b.local && String(a.id) === String(b.id);
}

/**
 * A Binance REST depth snapshot body. Numbers are written with JS's shortest
 * round-trip form, so `Number(text)` gives back exactly the recorded double.
 */
export function snapshotText(u: number, tsMs: number, bidPx: readonly number[], bidQty: readonly number[], askPx: readonly number[], askQty: readonly number[]): string {
  return `{"lastUpdateId":${u},"E":${tsMs},"T":${tsMs},"bids":${levelsText(bidPx, bidQty)},"asks":${levelsText(askPx, askQty)}}`;
}

function levelsText(prices: readonly number[], quantities: readonly number[]): string {
  const count = Math.min(prices.length, quantities.length);
  const parts: string[] = new Array(count);
  for (let i = 0; i < count; i++) parts[i] = `["${prices[i]}","${quantities[i]}"]`;
  return `[${parts.join(",")}]`;
}

/** A Binance USDT-M combined-stream trade frame; `m` (buyer is maker) means the aggressor sold. */
export function tradeText(symbol: string, tradeId: number, tsMs: number, price: number, qty: number, side: "buy" | "sell"): string {
  const stream = JSON.stringify(`${symbol.toLowerCase()}@trade`);
  return `{"stream":${stream},"data":{"e":"trade","E":${tsMs},"T":${tsMs},"s":${JSON.stringify(symbol)},"t":${tradeId},"p":"${price}","q":"${qty}","X":"MARKET","m":${side === "sell"}}}`;
}
