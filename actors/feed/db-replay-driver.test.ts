/**
 * Replay from the database, against the real PostgreSQL server (and once the
 * embedded engine). The recorded session is made from the shared BTCUSDT and
 * ETHUSDT recordings the way the recorder makes it: the books the BookDesk
 * publishes, sampled every 100 ms (top 20 levels), and every trade, stored
 * with their exchange and local times. Replayed, the frames decode, and a
 * fresh BookDesk syncs to exactly the recorded tops and trades, in order.
 * Timing asserts are lower bounds and generous upper bounds, as for the file replay.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres, { type Sql } from "postgres";
import type { BookUpdate, RawFrame, Trade } from "../../src/switchboard.ts";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { PartitionManager } from "../../src/db/partitions.ts";
import { createScratchDatabase, makeTempDir, type ScratchDatabase } from "../../src/db/testing.ts";
import { sharedDataFile } from "../../src/shared-data.ts";
import { decodeFrame } from "../book/binance-decode.ts";
import { BookDesk } from "../book/book-desk.ts";
import { fastDecodeFrame } from "../book/fast-decode.ts";
import { type DbReadStats, newDbReadStats, readDbFrames } from "./db-frames.ts";
import { DbReplayDriver, type DbReplayDriverOptions } from "./db-replay-driver.ts";
import { readRecording } from "./recordings/read.ts";
import { delivered, recordReplay, type ReplayRun } from "./replay.testkit.ts";

const FILES = ["btcusdt_20240718.gz", "ethusdt_20240718.gz"].map((f) => sharedDataFile(`binance-usdm/hftbacktest/${f}`));
const SYMBOLS = ["BTCUSDT", "ETHUSDT"];
const SPAN_MS = 20_000;
const SAMPLE_MS = 100;

interface BookRow {
  symbol: string;
  tsMs: number;
  /** Whole microseconds, as the database keeps them. */
  localTsMs: number;
  u: number;
  stale: boolean;
  bidPx: number[];
  bidQty: number[];
  askPx: number[];
  askQty: number[];
}

interface TradeRow {
  symbol: string;
  tsMs: number;
  localTsMs: number;
  tradeId: number;
  price: number;
  qty: number;
  side: "buy" | "sell";
}

const toMicros = (ms: number) => Math.round(ms * 1000) / 1000;

/** Epoch ms as timestamptz text to the microsecond (postgres.js sends timestamptz parameters as Dates, whole ms). */
function isoMicros(ms: number): string {
  const us = Math.round(ms * 1000);
  const wholeMs = Math.floor(us / 1000);
  return new Date(wholeMs).toISOString().replace("Z", `${String(us - wholeMs * 1000).padStart(3, "0")}Z`);
}

/** The first SPAN_MS of both recordings, as the recorder would have stored them. */
async function recordSession(): Promise<{ books: BookRow[]; trades: TradeRow[]; startMs: number }> {
  const desk = new BookDesk(new Set(SYMBOLS));
  const books: BookRow[] = [];
  const trades: TradeRow[] = [];
  const lastSample = new Map<string, number>();
  let startMs: number | undefined;
  outer: for await (const batch of readRecording(FILES)) {
    for (const frame of batch) {
      startMs ??= frame.localTsMs;
      if (frame.localTsMs - startMs >= SPAN_MS) break outer;
      for (const event of desk.processBatch([frame]).events) {
        if (event.kind === "trade") {
          trades.push({ symbol: event.symbol, tsMs: event.exchTsMs, localTsMs: toMicros(event.localTsMs), tradeId: event.tradeId, price: event.price, qty: event.qty, side: event.side });
        } else if (event.localTsMs - (lastSample.get(event.symbol) ?? -Infinity) >= SAMPLE_MS && event.topBidPrice.length > 0) {
          lastSample.set(event.symbol, event.localTsMs);
          books.push({
            symbol: event.symbol,
            tsMs: event.exchTsMs,
            localTsMs: toMicros(event.localTsMs),
            u: event.u,
            stale: event.stale,
            bidPx: Array.from(event.topBidPrice),
            bidQty: Array.from(event.topBidQty),
            askPx: Array.from(event.topAskPrice),
            askQty: Array.from(event.topAskQty),
          });
        }
      }
    }
  }
  return { books, trades, startMs: startMs! };
}

async function store(sql: Sql, books: readonly BookRow[], trades: readonly TradeRow[]): Promise<void> {
  const partitions = new PartitionManager(sql);
  await partitions.ensureDays("book_snapshots", books.map((b) => b.tsMs));
  await partitions.ensureDays("trades", trades.map((t) => t.tsMs));
  await sql.begin(async (tx) => {
    for (const b of books) {
      await tx`
        INSERT INTO book_snapshots (symbol, ts, local_ts, u, stale, bid_px, bid_qty, ask_px, ask_qty)
        VALUES (${b.symbol}, ${new Date(b.tsMs)}, ${isoMicros(b.localTsMs)}::text::timestamptz, ${b.u}, ${b.stale},
                ${b.bidPx}, ${b.bidQty}, ${b.askPx}, ${b.askQty})`;
    }
    await tx`
      INSERT INTO trades (symbol, ts, local_ts, trade_id, price, qty, side)
      SELECT * FROM unnest(${trades.map((t) => t.symbol)}::text[], ${trades.map((t) => new Date(t.tsMs).toISOString())}::text[]::timestamptz[],
                           ${trades.map((t) => isoMicros(t.localTsMs))}::text[]::timestamptz[], ${trades.map((t) => t.tradeId)}::int8[],
                           ${trades.map((t) => t.price)}::float8[], ${trades.map((t) => t.qty)}::float8[], ${trades.map((t) => t.side)}::text[])`;
  });
}

type Expected = { kind: "book"; row: BookRow } | { kind: "trade"; row: TradeRow };

/** The documented order: exchange time, local time, book before trade, symbol order, id. */
function expectedOrder(books: readonly BookRow[], trades: readonly TradeRow[], symbols: readonly string[]): Expected[] {
  const all: Expected[] = [
    ...books.filter((b) => !b.stale && symbols.includes(b.symbol)).map((row) => ({ kind: "book" as const, row })),
    ...trades.filter((t) => symbols.includes(t.symbol)).map((row) => ({ kind: "trade" as const, row })),
  ];
  const key = (e: Expected) => [e.row.tsMs, e.row.localTsMs, e.kind === "book" ? 0 : 1, symbols.indexOf(e.row.symbol), e.kind === "book" ? e.row.u : e.row.tradeId];
  return all.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return 0;
  });
}

async function readAll(sql: Sql, symbols: readonly string[], fromMs: number, toMs: number, pageRows?: number, stats?: DbReadStats): Promise<RawFrame[]> {
  const frames: RawFrame[] = [];
  for await (const batch of readDbFrames(sql, { symbols, fromMs, toMs, pageRows, stats })) frames.push(...batch);
  return frames;
}

let session: Awaited<ReturnType<typeof recordSession>>;
let scratch: ScratchDatabase;
let db: Database;
const dir = makeTempDir();
/** A whole range around the session. */
let FROM = 0;
let TO = 0;

beforeAll(async () => {
  session = await recordSession();
  // Pin behaviours the recorder can produce: rows recorded while stale, and one row stored twice.
  for (let i = 5; i < session.books.length; i += 10) session.books[i]!.stale = true;
  scratch = await createScratchDatabase();
  db = await openDatabase({ url: scratch.url, dataDir: dir.path });
  await store(db.sql, [...session.books, session.books[3]!], session.trades);
  FROM = Math.min(...session.books.map((b) => b.tsMs), ...session.trades.map((t) => t.tsMs));
  TO = Math.max(...session.books.map((b) => b.tsMs), ...session.trades.map((t) => t.tsMs)) + 1;
});

afterAll(async () => {
  await db?.close();
  await scratch?.drop();
  dir.remove();
});

describe("readDbFrames", () => {
  test("a real session: enough of it to mean something", () => {
    for (const symbol of SYMBOLS) {
      expect(session.books.filter((b) => b.symbol === symbol).length).toBeGreaterThan(100);
      expect(session.trades.filter((t) => t.symbol === symbol).length).toBeGreaterThan(50);
    }
  });

  test("frames decode to the recorded rows; a fresh BookDesk syncs to the recorded tops, in order", async () => {
    const stats = newDbReadStats();
    const frames = await readAll(db.sql, SYMBOLS, FROM, TO, undefined, stats);
    const expected = expectedOrder(session.books, session.trades, SYMBOLS);
    expect(frames.length).toBe(expected.length);
    expect(stats).toMatchObject({
      bookSnapshots: session.books.filter((b) => !b.stale).length,
      staleSnapshotsSkipped: session.books.filter((b) => b.stale).length,
      trades: session.trades.length,
    });

    frames.forEach((frame, i) => {
      const want = expected[i]!;
      expect(frame.localTsMs).toBe(want.row.localTsMs);
      const msg = decodeFrame(frame.text, frame.symbol);
      expect(fastDecodeFrame(frame.text, frame.symbol)).toEqual(msg);
      if (want.kind === "book") {
        expect(msg).toMatchObject({ kind: "snapshot", symbol: want.row.symbol, lastUpdateId: want.row.u, exchTsMs: want.row.tsMs });
      } else {
        const t = want.row;
        expect(msg).toEqual({ kind: "trade", symbol: t.symbol, exchTsMs: t.tsMs, tradeId: t.tradeId, price: t.price, qty: t.qty, buyerIsMaker: t.side === "sell" });
      }
    });

    const desk = new BookDesk(new Set(SYMBOLS));
    const { events, gaps } = desk.processBatch(frames);
    expect(gaps).toEqual([]);
    expect(desk.counters.malformed).toBe(0);
    expect(events.length).toBe(expected.length);
    events.forEach((event, i) => {
      const want = expected[i]!;
      expect(event.kind).toBe(want.kind);
      expect(event.localTsMs).toBe(want.row.localTsMs);
      if (want.kind === "book") {
        const book = event as BookUpdate;
        expect({ symbol: book.symbol, u: book.u, exchTsMs: book.exchTsMs, reset: book.reset, stale: book.stale }).toEqual({
          symbol: want.row.symbol,
          u: want.row.u,
          exchTsMs: want.row.tsMs,
          reset: true,
          stale: false,
        });
        expect([Array.from(book.topBidPrice), Array.from(book.topBidQty), Array.from(book.topAskPrice), Array.from(book.topAskQty)]).toEqual([
          want.row.bidPx,
          want.row.bidQty,
          want.row.askPx,
          want.row.askQty,
        ]);
      } else {
        const trade = event as Trade;
        expect({ symbol: trade.symbol, tradeId: trade.tradeId, price: trade.price, qty: trade.qty, side: trade.side, exchTsMs: trade.exchTsMs }).toEqual({
          symbol: want.row.symbol,
          tradeId: want.row.tradeId,
          price: want.row.price,
          qty: want.row.qty,
          side: want.row.side,
          exchTsMs: want.row.tsMs,
        });
      }
    });
  });

  test("small pages give the same frames (keyset paging is exact); more queries", async () => {
    const big = newDbReadStats();
    const small = newDbReadStats();
    const whole = await readAll(db.sql, SYMBOLS, FROM, TO, 5000, big);
    expect(await readAll(db.sql, SYMBOLS, FROM, TO, 7, small)).toEqual(whole);
    expect(small.queries).toBeGreaterThan(big.queries * 20);
  });

  test("one symbol, a sub-range (half-open on exchange time)", async () => {
    const mid = Math.floor((FROM + TO) / 2);
    const frames = await readAll(db.sql, ["ETHUSDT"], FROM, mid);
    const expected = expectedOrder(session.books, session.trades, ["ETHUSDT"]).filter((e) => e.row.tsMs < mid);
    expect(frames.map((f) => f.localTsMs)).toEqual(expected.map((e) => e.row.localTsMs));
    expect(frames.every((f) => f.text.includes("ethusdt@trade") || f.symbol === "ETHUSDT")).toBe(true);
    expect(await readAll(db.sql, ["SOLUSDT"], FROM, TO)).toEqual([]);
  });
});

function replay(options: Omit<DbReplayDriverOptions, "sql"> & { sql?: Sql }, autostart = true): ReplayRun<DbReplayDriver> {
  return recordReplay((sink) => new DbReplayDriver({ sql: db.sql, ...options }, sink), autostart);
}

describe("DbReplayDriver", () => {
  /** The first 2 s of BTCUSDT: a short paced replay. */
  let slice: RawFrame[] = [];
  let sliceTo = 0;
  beforeAll(async () => {
    sliceTo = FROM + 2_000;
    slice = await readAll(db.sql, ["BTCUSDT"], FROM, sliceTo);
    expect(slice.length).toBeGreaterThan(20);
  });

  test("max speed: every frame once, in order, in batches; deterministic; position at the end", async () => {
    const expected = await readAll(db.sql, SYMBOLS, FROM, TO);
    const first = replay({ symbols: SYMBOLS, fromMs: FROM, toMs: TO, speed: "max", batchFrames: 100 });
    await first.done;
    expect(delivered(first)).toEqual(expected);
    expect(first.batches.every((b) => b.length >= 1 && b.length <= 100)).toBe(true);
    expect(first.driver.position).toMatchObject({ framesSent: expected.length, tsMs: expected.at(-1)!.localTsMs, startTsMs: expected[0]!.localTsMs, finished: true });
    const second = replay({ symbols: SYMBOLS, fromMs: FROM, toMs: TO, speed: "max", batchFrames: 100, pageRows: 13 });
    await second.done;
    expect(delivered(second)).toEqual(delivered(first));
  });

  test("speed 10: no frame before its scaled time", async () => {
    const t0 = performance.now();
    const run = replay({ symbols: ["BTCUSDT"], fromMs: FROM, toMs: sliceTo, speed: 10 });
    await run.done;
    expect(delivered(run)).toEqual(slice);
    const firstTsMs = slice[0]!.localTsMs;
    expect(performance.now() - t0).toBeGreaterThanOrEqual((slice.at(-1)!.localTsMs - firstTsMs) / 10 - 5);
    slice.forEach((frame, i) => expect(run.arrivals[i]! - run.arrivals[0]!).toBeGreaterThanOrEqual((frame.localTsMs - firstTsMs) / 10 - 5));
    expect(run.batches.length).toBeGreaterThan(5);
  });

  test("pause holds frames back; resume carries on; setSpeed max finishes", async () => {
    const run = replay({ symbols: ["BTCUSDT"], fromMs: FROM, toMs: sliceTo, speed: 1 });
    while (run.batches.length === 0) await Bun.sleep(1);
    run.driver.pause();
    const sent = run.driver.position.framesSent;
    expect(run.driver.position.paused).toBe(true);
    await Bun.sleep(300);
    expect(run.driver.position.framesSent).toBe(sent);
    expect(sent).toBeLessThan(slice.length);
    run.driver.setSpeed("max");
    run.driver.resume();
    await run.done;
    expect(delivered(run)).toEqual(slice);
  });

  test("seek forward fast-forwards; seek backward rewinds and replays up to the target", async () => {
    const target = slice[0]!.localTsMs + 1_500;
    const ahead = replay({ symbols: ["BTCUSDT"], fromMs: FROM, toMs: sliceTo, speed: 1 }, false);
    ahead.driver.seek(target);
    const t0 = performance.now();
    ahead.driver.start();
    await ahead.done;
    expect(delivered(ahead)).toEqual(slice);
    const before = slice.filter((f) => f.localTsMs < target).length;
    expect(ahead.arrivals[before - 1]! - t0).toBeLessThan(1_000);

    const all = await readAll(db.sql, SYMBOLS, FROM, TO);
    const back = replay({ symbols: SYMBOLS, fromMs: FROM, toMs: TO, speed: "max" });
    await back.done;
    const batchesBefore = back.batches.length;
    const backTo = all[Math.floor(all.length / 2)]!.localTsMs;
    back.driver.setSpeed(0.001);
    back.driver.seek(backTo);
    expect(back.rewinds).toBe(1);
    expect(back.driver.position.framesSent).toBe(0);
    const want = all.filter((f) => f.localTsMs <= backTo).length;
    while (back.driver.position.framesSent < want) await Bun.sleep(5);
    await Bun.sleep(50);
    // Everything before the target (local times may step back a little: the order is exchange time), and those due at it.
    const again = back.batches.slice(batchesBefore).flat();
    expect(again).toEqual(all.slice(0, again.length));
    expect(again.length).toBeGreaterThanOrEqual(all.findIndex((f) => f.localTsMs >= backTo));
    expect(back.driver.position.tsMs).toBeLessThanOrEqual(backTo);
    back.driver.stop();
    const stoppedAt = back.driver.position.framesSent;
    await Bun.sleep(100);
    expect(back.driver.position.framesSent).toBe(stoppedAt);
  });

  test("an empty range finishes at once; a dead connection is reported through sink.error", async () => {
    const empty = replay({ symbols: ["BTCUSDT"], fromMs: TO + 1, toMs: TO + 1000, speed: 1 });
    await empty.done;
    expect(empty.driver.position).toMatchObject({ framesSent: 0, finished: true });

    const dead = postgres(scratch.url, { max: 1, onnotice: () => {} });
    await dead.end();
    await expect(replay({ sql: dead, symbols: ["BTCUSDT"], fromMs: FROM, toMs: TO, speed: "max" }).done).rejects.toThrow();
    expect(() => replay({ symbols: [], fromMs: FROM, toMs: TO, speed: 1 }, false)).toThrow(/at least one symbol/);
    expect(() => replay({ symbols: ["BTCUSDT"], fromMs: TO, toMs: FROM, speed: 1 }, false)).toThrow(/from < to/);
    expect(() => replay({ symbols: ["BTCUSDT"], fromMs: FROM, toMs: TO, speed: 0 }, false)).toThrow(/speed=0/);
  });
});

describe("embedded engine (PGlite)", () => {
  const embeddedDir = makeTempDir();
  let embedded: Database | undefined;
  afterAll(async () => {
    await embedded?.close();
    embeddedDir.remove();
  });

  test("the same rows replay to the same frames", async () => {
    embedded = await openDatabase({ dataDir: embeddedDir.path });
    const cut = FROM + 5_000;
    await store(
      embedded.sql,
      session.books.filter((b) => b.tsMs < cut),
      session.trades.filter((t) => t.tsMs < cut),
    );
    const fromServer = await readAll(db.sql, SYMBOLS, FROM, cut);
    expect(fromServer.length).toBeGreaterThan(50);
    expect(await readAll(embedded.sql, SYMBOLS, FROM, cut, 11)).toEqual(fromServer);
  }, 60_000);
});
