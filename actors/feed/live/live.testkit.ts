/**
 * Test wiring: a TestExchange replaying a real recording, a LiveDriver
 * connected to it, and per symbol the real decoder + SymbolBook (with the
 * tick sizes from the exchange's exchangeInfo). Every book update the client
 * emits is checked against the exchange's own book at the same update id:
 * the best TOP_LEVELS levels always, the whole book (within the price range
 * the client's last snapshot covered) at the exchange's checkpoints.
 */
import { decodeFrame } from "../../book/binance-decode.ts";
import { SymbolBook } from "../../book/symbol-book.ts";
import { sharedDataFile } from "../../../src/shared-data.ts";
import type { BookUpdate, GapFact, MarketEvent, RawFrame } from "../../../src/switchboard.ts";
import { ticksPerUnit } from "../../../src/symbols.ts";
import type { BookLevels } from "../../../src/test-exchange/exchange-book.ts";
import { loadTimeline, TestExchange, type TestExchangeOptions } from "../../../src/test-exchange/server.ts";
import type { Timeline } from "../../../src/test-exchange/timeline.ts";
import { fetchExchangeInfo } from "./exchange-info.ts";
import { LiveDriver, type LiveDriverOptions, type LiveStatus } from "./live-driver.ts";

export const HFT = (file: string) => sharedDataFile(`binance-usdm/hftbacktest/${file}`);
export const CRYPTOFEED = (file: string) => sharedDataFile(`binance-usdm/cryptofeed/${file}`);

const timelines = new Map<string, Promise<Timeline>>();

/** Timelines are built once per file list and shared by every exchange of the test run. */
export function timelineOf(files: readonly string[]): Promise<Timeline> {
  const key = files.join(",");
  let timeline = timelines.get(key);
  if (!timeline) timelines.set(key, (timeline = loadTimeline(files)));
  return timeline;
}

export interface ClientCounters {
  frames: number;
  malformed: number;
  updatesChecked: number;
  checkpointsChecked: number;
  snapshotsApplied: number;
  trades: number;
  /** Trades reaching the book out of id order or twice (must stay 0). */
  tradeOrderErrors: number;
}

export interface Harness {
  readonly exchange: TestExchange;
  readonly driver: LiveDriver;
  readonly books: Map<string, SymbolBook>;
  /** Gaps the books detected (`started` facts). */
  readonly gaps: GapFact[];
  readonly recoveries: GapFact[];
  readonly mismatches: string[];
  readonly counters: ClientCounters;
  readonly logs: string[];
  /** Every status the driver reported. */
  readonly statuses: LiveStatus[];
  /** Waits until every book is live at the exchange's current update id (replay finished) and returns the full-book differences (empty when equal). */
  settle(timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly files: readonly string[];
  readonly exchange?: Omit<TestExchangeOptions, "input" | "timeline">;
  readonly driver?: Partial<LiveDriverOptions>;
  /** Default: every symbol of the recording. */
  readonly symbols?: readonly string[];
  /**
   * Replay at 10x until every book is live, then at `exchange.speed` (default
   * max), so faults placed after the first few hundred events always hit a
   * synced client. false: the target speed from the start, no waiting.
   */
  readonly warmUp?: boolean;
}

interface KnownRange {
  bidFloor: number;
  askCeiling: number;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const timeline = await timelineOf(options.files);
  const targetSpeed = options.exchange?.speed ?? "max";
  const warmUp = options.warmUp !== false;
  const exchange = await TestExchange.start({ timeline, ...options.exchange, speed: warmUp ? 10 : targetSpeed });
  const symbols = options.symbols ?? timeline.symbols;
  const specs = await fetchExchangeInfo(exchange.restBase);
  const books = new Map<string, SymbolBook>();
  const ranges = new Map<string, KnownRange>();
  const lastTradeId = new Map<string, number>();
  const gaps: GapFact[] = [];
  const recoveries: GapFact[] = [];
  const mismatches: string[] = [];
  const logs: string[] = [];
  const statuses: LiveStatus[] = [];
  const counters: ClientCounters = { frames: 0, malformed: 0, updatesChecked: 0, checkpointsChecked: 0, snapshotsApplied: 0, trades: 0, tradeOrderErrors: 0 };
  const limit = options.driver?.snapshotLimit ?? 1000;
  let driver: LiveDriver;
  for (const symbol of symbols) {
    const spec = specs.get(symbol);
    if (!spec) throw new Error(`exchangeInfo of the test exchange lacks ${symbol}`);
    books.set(
      symbol,
      new SymbolBook(
        spec,
        () => driver.fetchSnapshot(symbol),
        (fact) => (fact.phase === "started" ? gaps : recoveries).push(fact),
      ),
    );
  }
  const mismatch = (line: string) => {
    if (mismatches.length < 20) mismatches.push(line);
  };
  const check = (update: BookUpdate) => {
    const book = books.get(update.symbol)!;
    if (update.reset) {
      counters.snapshotsApplied++;
      ranges.set(update.symbol, knownRange(update, book, limit));
    }
    const top = exchange.market.topAt(update.symbol, update.u);
    counters.updatesChecked++;
    if (!top) return mismatch(`${update.symbol} u=${update.u}: the exchange never published this update id`);
    const difference = compareTop(update, top, exchange.market.topLevels);
    if (difference) mismatch(`${update.symbol} u=${update.u}: ${difference}`);
    // The whole book can be compared only while it is still at this update (a snapshot applies several buffered diffs at once).
    const checkpoint = book.lastUpdateId === update.u ? exchange.market.checkpointAt(update.symbol, update.u) : undefined;
    if (checkpoint) {
      counters.checkpointsChecked++;
      const full = compareLevels(checkpoint, book, ranges.get(update.symbol)!);
      if (full) mismatch(`${update.symbol} u=${update.u} (checkpoint): ${full}`);
    }
  };
  const onFrame = (frame: RawFrame) => {
    counters.frames++;
    const msg = decodeFrame(frame.text, frame.symbol);
    if (msg.kind === "malformed") {
      counters.malformed++;
      return;
    }
    if (msg.kind === "ignored") return;
    const book = books.get(msg.symbol);
    if (!book) return;
    const out: MarketEvent[] = [];
    if (msg.kind === "depth") book.onDiff(msg, frame.localTsMs, out);
    else if (msg.kind === "snapshot") book.onSnapshot(msg, frame.localTsMs, out);
    else {
      counters.trades++;
      const previous = lastTradeId.get(msg.symbol) ?? -1;
      if (msg.tradeId <= previous) counters.tradeOrderErrors++;
      lastTradeId.set(msg.symbol, msg.tradeId);
    }
    for (const event of out) if (event.kind === "book") check(event);
  };
  driver = new LiveDriver(
    {
      symbols,
      wsBase: exchange.wsBase,
      restBase: exchange.restBase,
      depthSpeed: "0ms",
      reconnectBaseMs: 10,
      reconnectCapMs: 200,
      restRetryBaseMs: 10,
      restRetryCapMs: 100,
      random: seededRandom(7),
      ...options.driver,
    },
    {
      frames: (frames) => {
        for (const frame of frames) onFrame(frame);
      },
      log: (line) => logs.push(line),
      status: (status) => statuses.push(status),
    },
  );
  await driver.start();
  if (warmUp) {
    await waitFor("every book live during warm-up", () => [...books.values()].every((book) => book.state === "live"), 5000);
    exchange.setSpeed(targetSpeed);
  }
  const settle = async (timeoutMs = 8000): Promise<string[]> => {
    const deadline = performance.now() + timeoutMs;
    const ready = () =>
      exchange.replayState === "finished" &&
      [...books].every(([symbol, book]) => book.state === "live" && book.lastUpdateId === exchange.market.lastUpdateId(symbol));
    while (!ready()) {
      if (performance.now() > deadline) {
        const states = [...books].map(([s, b]) => `${s}:${b.state}@${b.lastUpdateId}/exchange@${exchange.market.lastUpdateId(s)}`);
        return [`not settled after ${timeoutMs} ms: replay ${exchange.replayState}; ${states.join(" ")}; last logs: ${logs.slice(-5).join(" | ")}`];
      }
      await Bun.sleep(5);
    }
    const differences: string[] = [];
    for (const [symbol, book] of books) {
      const full = compareLevels(exchange.market.levels(symbol)!, book, ranges.get(symbol)!);
      if (full) differences.push(`${symbol} final book: ${full}`);
    }
    return differences;
  };
  const close = async () => {
    await driver.stop();
    await exchange.stop();
  };
  return { exchange, driver, books, gaps, recoveries, mismatches, counters, logs, statuses, settle, close };
}

/** The prices the client can know exactly: a full-limit snapshot side ends at its last level. */
function knownRange(update: BookUpdate, book: SymbolBook, limit: number): KnownRange {
  const tpu = ticksPerUnit(book.spec.tickSize);
  let bids = 0;
  let lowestBidTicks = Number.POSITIVE_INFINITY;
  let highestAskTicks = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < update.levelSide.length; i++) {
    const ticks = update.levelPriceTicks[i]!;
    if (update.levelSide[i] === 0) {
      bids++;
      lowestBidTicks = Math.min(lowestBidTicks, ticks);
    } else highestAskTicks = Math.max(highestAskTicks, ticks);
  }
  const asks = update.levelSide.length - bids;
  return {
    bidFloor: bids >= limit ? lowestBidTicks / tpu : Number.NEGATIVE_INFINITY,
    askCeiling: asks >= limit ? highestAskTicks / tpu : Number.POSITIVE_INFINITY,
  };
}

function compareTop(update: BookUpdate, top: Float64Array, n: number): string | undefined {
  const sides: [string, Float64Array, Float64Array, number][] = [
    ["bid", update.topBidPrice, update.topBidQty, 0],
    ["ask", update.topAskPrice, update.topAskQty, 2 * n],
  ];
  for (const [name, prices, qty, offset] of sides) {
    for (let i = 0; i < n; i++) {
      const wantPrice = top[offset + i]!;
      const wantQty = top[offset + n + i]!;
      const gotPrice = i < prices.length ? prices[i]! : Number.NaN;
      const gotQty = i < qty.length ? qty[i]! : Number.NaN;
      if (!Object.is(wantPrice, gotPrice) || !Object.is(wantQty, gotQty)) {
        return `${name} level ${i}: client ${gotPrice} x ${gotQty}, exchange ${wantPrice} x ${wantQty}`;
      }
    }
  }
  return undefined;
}

/** Compares every level inside the known range; returns the first difference. */
export function compareLevels(exchange: BookLevels, book: SymbolBook, range: KnownRange): string | undefined {
  const tpu = ticksPerUnit(book.spec.tickSize);
  const client = (side: typeof book.book.bids, keep: (price: number) => boolean) => {
    const out: [number, number][] = [];
    for (let i = 0; i < side.count; i++) {
      const price = side.priceTicks[i]! / tpu;
      if (keep(price)) out.push([price, side.qty[i]!]);
    }
    return out;
  };
  const truth = (prices: readonly number[], qty: readonly number[], keep: (price: number) => boolean) =>
    prices.map((p, i) => [p, qty[i]!] as [number, number]).filter(([p]) => keep(p));
  const inBids = (p: number) => p >= range.bidFloor;
  const inAsks = (p: number) => p <= range.askCeiling;
  const pairs: [string, [number, number][], [number, number][]][] = [
    ["bids", client(book.book.bids, inBids), truth(exchange.bidPrices, exchange.bidQty, inBids)],
    ["asks", client(book.book.asks, inAsks), truth(exchange.askPrices, exchange.askQty, inAsks)],
  ];
  for (const [name, got, want] of pairs) {
    if (got.length !== want.length) return `${name}: client has ${got.length} levels, exchange ${want.length} in range`;
    for (let i = 0; i < got.length; i++) {
      if (got[i]![0] !== want[i]![0] || got[i]![1] !== want[i]![1]) return `${name}[${i}]: client ${got[i]}, exchange ${want[i]}`;
    }
  }
  return undefined;
}

/** mulberry32: a small seeded generator for back-off jitter in tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Polls `condition` every 5 ms; throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(5);
  }
}
