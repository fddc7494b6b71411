/**
 * The order-lifecycle inference in libgenesis (gn_lifecycle_*), behind the
 * public surface of lifecycle.ts's Lifecycle. Trades wait in caller-owned
 * buffers and go over with the next book update, whose own typed arrays are
 * handed to the library as they are (gn_lifecycle_frame, zero-copy): the
 * detector engine makes ONE FFI call per depth frame. `processEvents` sends
 * a whole batch in one gn_lifecycle_process call, packed into
 * struct-of-arrays buffers in the analytics engine's layout plus a
 * top-of-book record per event.
 *
 * Large episodes come back as records, replayed into `Episode` objects by
 * native-episodes.ts.
 */
import type { BookUpdate, MarketEvent, SymbolSpec, Trade } from "../../src/switchboard.ts";
import type { Episode, UpdateCounts } from "./lifecycle.ts";
import type { NearTouchCounts } from "./detectors/quote-stuffing.ts";
import { NativeEventColumns, nextPow2 } from "../../src/native-event-columns.ts";
import { EpisodeMirror } from "./native-episodes.ts";
import { DETECTOR_EVENT_DOUBLES, GN_ERR_HANDLE, GN_ERR_INVALID, GN_OK, LAYOUT, NativeLifecycleError, packParams, type LifecycleSymbols, type NativeLifecycleLibrary } from "./native-lifecycle-lib.ts";
import type { LifecycleParams } from "./params.ts";

const EVENT_BOOK = 0;
const EVENT_BOOK_RESET = 1;
const EVENT_TRADE = 2;
/** The library calls that clear the lifecycle when they fail inside (lifecycle_abi.cpp `guarded`). */
const CLEARING_CALLS = new Set(["gn_lifecycle_process", "gn_lifecycle_frame", "gn_lifecycle_advance", "gn_lifecycle_clear"]);
/** GENESIS_FFI_TIMING=1: time every library call (ffiNs); off by default, the clock costs more than the call. */
const TIMING = process.env.GENESIS_FFI_TIMING === "1";

// Frees handles that were dropped without dispose().
const finalizer = new FinalizationRegistry<{ symbols: LifecycleSymbols; handle: number }>(({ symbols, handle }) => {
  symbols.gn_lifecycle_free(handle);
});

export class NativeLifecycle {
  readonly kind = "native" as const;
  readonly closed: Episode[] = [];
  readonly opened: Episode[] = [];
  /** With the near-touch counts of quote stuffing, against the lifecycle's nearTicks (GN_LIFECYCLE_COUNTS). */
  readonly counts: UpdateCounts & NearTouchCounts;
  bestBidTicks = NaN;
  bestAskTicks = NaN;
  mid2 = NaN;
  /** Frame-detector events the last frame left queued (0 until enableDetectors; take them with takeDetectorEvents). */
  detectorEventsQueued = 0;
  private detectorsEnabled = false;
  private handle: number;
  private readonly symbols: LifecycleSymbols;
  private readonly token = {};
  private readonly episodes: EpisodeMirror;
  private readonly depthLevels: number;
  private readonly topStride: number;
  /** Events packed and not sent yet (trades wait for the next book update). */
  private pending = 0;
  private ffiNanos = 0;

  // Caller-owned buffers, grown to powers of two.
  private readonly cols = new NativeEventColumns();
  private rowCap = 0;
  private top = new Float64Array(0);
  private countsOut = new Int32Array(0);
  private touchOut = new Float64Array(0);
  private readonly info = new Int32Array(3);
  private readonly detectorEventsTaken = new Int32Array(1);
  private readonly reachOut = new Float64Array(1);
  private readonly sizes = new Int32Array(7);
  private readonly levelOut = new Float64Array(2);
  private readonly stateOut = new Float64Array(LAYOUT.state);

  constructor(
    private readonly library: NativeLifecycleLibrary,
    readonly spec: SymbolSpec,
    params: LifecycleParams,
  ) {
    this.symbols = library.symbols;
    this.counts = { adds: 0, cancels: 0, consumed: 0, cancelsBySide: [0, 0], nearTicks: params.nearTicks, near: 0, nearBid: 0 };
    // gn_lifecycle_params: 15 doubles, in params.ts order.
    const raw = packParams([params.nearTicks, params.depthLevels, params.addWindow, params.depthSampleMs, params.depthWindow, params.depthFactor, params.trackMultiple, params.tradeMatchMs, params.settleMs, params.episodeMergeMs, params.closeFraction, params.volSampleMs, params.volWindow, params.bandTicks, params.bandVolMultiple]);
    const out = new Uint32Array(1);
    const status = this.symbols.gn_lifecycle_new(spec.tickSize, raw, out);
    if (status !== GN_OK) {
      throw new NativeLifecycleError(status === GN_ERR_INVALID ? "invalid" : "native", `gn_lifecycle_new refused: status=${status} (${library.statusText(status)}), symbol=${spec.symbol}, tickSize=${spec.tickSize}, params=${JSON.stringify(params)}`);
    }
    this.handle = out[0]!;
    this.episodes = new EpisodeMirror(library, spec.symbol, this.opened, this.closed);
    finalizer.register(this, { symbols: this.symbols, handle: this.handle }, this.token);
    const stride = new Int32Array(1);
    this.check(this.symbols.gn_lifecycle_top_stride(this.handle, stride), "gn_lifecycle_top_stride");
    this.topStride = stride[0]!;
    this.depthLevels = (this.topStride - LAYOUT.topFixed) / 2;
    this.ensure(64, 1024, 64);
  }

  /** Nanoseconds spent inside library calls (only counted with GENESIS_FFI_TIMING=1). */
  get ffiNs(): number {
    return this.ffiNanos;
  }

  get nowTsMs(): number {
    return this.state()[0]!;
  }

  get cumAggressorQty(): readonly number[] {
    const s = this.state();
    return [s[4]!, s[5]!];
  }

  refQty(): number {
    return this.state()[6]!;
  }

  volTicks(): number {
    return this.state()[7]!;
  }

  lastChangeTsMs(side: number, priceTicks: number): number {
    return this.level(side, priceTicks, "lastChangeTsMs")[1]!;
  }

  qtyAt(side: number, priceTicks: number): number {
    return this.level(side, priceTicks, "qtyAt")[0]!;
  }

  onTrade(trade: Trade): void {
    if (this.handle === 0) this.live("onTrade");
    const c = this.cols;
    if (this.pending === c.eventCap) this.sendPending();
    const i = this.pending++;
    c.ts[i] = trade.exchTsMs;
    c.tradePrice[i] = trade.priceTicks;
    c.tradeQty[i] = trade.qty;
    c.tradeSide[i] = trade.side === "buy" ? 1 : -1; // anything but a buy hits bids, as in lifecycle.ts
  }

  // The per-frame path: no allocation, each property read once, and a second call
  // (gn_lifecycle_take) only when records are queued, on ~4% of BTCUSDT frames (139 of 3,322).
  // Measured on that recording: ~25 ns of JavaScript plus ~25 ns for the call itself per frame;
  // the rest is the library's work.
  onBook(update: BookUpdate): void {
    const handle = this.handle;
    if (handle === 0) this.live("onBook");
    const n = this.pending;
    const levelSide = update.levelSide, m = levelSide.length;
    const levelPrice = update.levelPriceTicks, levelQty = update.levelQty;
    if (levelPrice.length !== m || levelQty.length !== m) throw this.unevenLevels(update);
    const bidPrice = update.topBidPrice, bidQty = update.topBidQty, askPrice = update.topAskPrice, askQty = update.topAskQty;
    const sizes = this.sizes;
    sizes[0] = n;
    sizes[1] = update.reset ? 1 : 0;
    sizes[2] = m;
    sizes[3] = bidPrice.length;
    sizes[4] = bidQty.length;
    sizes[5] = askPrice.length;
    sizes[6] = askQty.length;
    this.pending = 0;
    const c = this.cols, info = this.info, counts = this.countsOut, touch = this.touchOut;
    const t0 = TIMING ? Bun.nanoseconds() : 0;
    const status = this.symbols.gn_lifecycle_frame(
      handle, sizes, update.exchTsMs, c.ts, c.tradePrice, c.tradeQty, c.tradeSide,
      levelSide, levelPrice, levelQty, bidPrice, bidQty, askPrice, askQty, counts, touch, info,
    );
    if (TIMING) this.ffiNanos += Bun.nanoseconds() - t0;
    if (status !== GN_OK) throw this.frameFailure(status, n, update);
    // readRow(0), unrolled.
    const out = this.counts;
    out.adds = counts[0]!;
    out.cancels = counts[1]!;
    out.consumed = counts[2]!;
    out.cancelsBySide[0] = counts[3]!;
    out.cancelsBySide[1] = counts[4]!;
    out.near = counts[5]!;
    out.nearBid = counts[6]!;
    this.detectorEventsQueued = counts[7]!;
    const bid = (this.bestBidTicks = touch[0]!), ask = (this.bestAskTicks = touch[1]!);
    this.mid2 = bid + ask;
    if (info[1]! > 0 || info[2]! > 0) {
      this.episodes.take(handle, info);
      this.episodes.apply(Infinity);
    }
  }

  /**
   * Sends `events` (buffered trades first) in ONE library call; after each book update's results
   * are in place (counts, touch, opened, closed), calls `onUpdate(r)` with its ordinal r.
   */
  processEvents(events: readonly MarketEvent[], onUpdate?: (update: number) => void): number {
    this.sendPending();
    let levels = 0, books = 0;
    for (const e of events) {
      if (e.kind !== "book") continue;
      books++;
      levels += e.levelSide.length;
    }
    if (books > 0 && this.detectorsEnabled) throw new NativeLifecycleError("invalid", `processEvents: the frame detectors read every frame's top-of-book prices, which only onBook passes; symbol=${this.spec.symbol}`);
    this.ensure(events.length + 1, levels, books);
    let lv = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.kind === "book") lv = this.packBook(e, i, lv);
      else this.packTrade(e, i);
    }
    return this.run(events.length, lv, onUpdate);
  }

  /** Sends the buffered trades now (they otherwise wait for the next book update). */
  sendPending(): void {
    const n = this.pending;
    if (n === 0) return;
    this.cols.kind.fill(EVENT_TRADE, 0, n);
    this.cols.offsets.fill(0, 0, n + 1);
    this.run(n, 0);
  }

  /**
   * Runs the frame detectors (quote stuffing, book pressure, liquidity gaps, price reach) in the
   * library on every later frame, with fresh state; `params` is a packed gn_detector_params
   * (native-frame-detectors.ts).
   */
  enableDetectors(params: Uint8Array): void {
    this.check(this.symbols.gn_lifecycle_detectors(this.live("enableDetectors"), params), "gn_lifecycle_detectors");
    this.detectorsEnabled = true;
    this.detectorEventsQueued = 0;
  }

  /** The price reach the frame detectors measure (gn_lifecycle_reach_ticks; PriceReach.ticks). */
  reachTicks(horizonMs: number, quantile: number): number {
    const out = this.reachOut;
    this.check(this.symbols.gn_lifecycle_reach_ticks(this.live("reachTicks"), horizonMs, quantile, out), "gn_lifecycle_reach_ticks");
    return out[0]!;
  }

  /** Moves the queued frame-detector events into `out` (room for detectorEventsQueued of them); returns how many. */
  takeDetectorEvents(out: Float64Array): number {
    const n = this.detectorEventsTaken;
    this.check(this.symbols.gn_lifecycle_detector_events(this.live("takeDetectorEvents"), out, Math.floor(out.length / DETECTOR_EVENT_DOUBLES), n), "gn_lifecycle_detector_events");
    this.detectorEventsQueued = 0;
    return n[0]!;
  }

  /** Releases every settling episode (end of a stream). */
  flush(): void {
    this.advance(Infinity);
  }

  /** As Lifecycle.advance(): trades buffered so far go first (a late print still counts). */
  advance(tsMs: number): void {
    this.sendPending();
    const status = this.symbols.gn_lifecycle_advance(this.live("advance"), tsMs, this.info);
    if (status !== GN_OK) throw this.failure(status, 0, "gn_lifecycle_advance");
    if (this.info[1]! > 0 || this.info[2]! > 0) {
      this.episodes.take(this.handle, this.info);
      this.episodes.apply(Infinity);
    }
  }

  /** As Lifecycle.clear(): empties the table, episodes and samples; keeps the touch, clock and totals. */
  clear(): void {
    this.sendPending();
    this.check(this.symbols.gn_lifecycle_clear(this.live("clear")), "gn_lifecycle_clear");
    this.closed.length = 0;
    this.opened.length = 0;
    this.episodes.clear();
  }

  /** Frees the native handle; any later call throws NativeLifecycleError code "disposed". */
  dispose(): void {
    if (this.handle === 0) return;
    finalizer.unregister(this.token);
    this.symbols.gn_lifecycle_free(this.handle);
    this.handle = 0;
    this.pending = 0;
    this.closed.length = 0;
    this.opened.length = 0;
    this.episodes.clear();
  }

  private live(operation: string): number {
    if (this.handle === 0) throw new NativeLifecycleError("disposed", `native lifecycle used after free: operation=${operation}, symbol=${this.spec.symbol}`);
    return this.handle;
  }

  private level(side: number, priceTicks: number, operation: string): Float64Array {
    const status = this.symbols.gn_lifecycle_level(this.live(operation), side, priceTicks, this.levelOut);
    if (status !== GN_OK) throw this.failure(status, 0, `gn_lifecycle_level(side=${side}, priceTicks=${priceTicks})`);
    return this.levelOut;
  }

  private state(): Float64Array {
    this.sendPending();
    this.check(this.symbols.gn_lifecycle_state(this.live("state"), this.stateOut, LAYOUT.state), "gn_lifecycle_state");
    return this.stateOut;
  }

  private run(n: number, levels: number, onUpdate?: (update: number) => void): number {
    const handle = this.live("process");
    this.pending = 0;
    const c = this.cols;
    const t0 = TIMING ? Bun.nanoseconds() : 0;
    const status = this.symbols.gn_lifecycle_process(
      handle, n, c.kind, c.ts, c.offsets, levels, c.levelSide, c.levelPrice, c.levelQty,
      c.tradePrice, c.tradeQty, c.tradeSide, this.top, this.countsOut, this.touchOut, this.rowCap, this.info,
    );
    if (TIMING) this.ffiNanos += Bun.nanoseconds() - t0;
    if (status !== GN_OK) throw this.failure(status, n);
    const rows = this.info[0]!;
    if (this.info[1]! > 0 || this.info[2]! > 0) this.episodes.take(handle, this.info);
    for (let r = 0; r < rows; r++) {
      this.readRow(r);
      this.episodes.apply(r);
      onUpdate?.(r);
    }
    this.episodes.apply(Infinity);
    return rows;
  }

  private readRow(r: number): void {
    const c = this.countsOut, o = r * LAYOUT.counts, counts = this.counts;
    counts.adds = c[o]!;
    counts.cancels = c[o + 1]!;
    counts.consumed = c[o + 2]!;
    counts.cancelsBySide[0] = c[o + 3]!;
    counts.cancelsBySide[1] = c[o + 4]!;
    counts.near = c[o + 5]!;
    counts.nearBid = c[o + 6]!;
    this.bestBidTicks = this.touchOut[2 * r]!;
    this.bestAskTicks = this.touchOut[2 * r + 1]!;
    this.mid2 = this.bestBidTicks + this.bestAskTicks;
  }

  private unevenLevels(e: BookUpdate): NativeLifecycleError {
    return new NativeLifecycleError("invalid", `invalid book update: level arrays differ in length (${e.levelSide.length}, ${e.levelPriceTicks.length}, ${e.levelQty.length}), exchTsMs=${e.exchTsMs}, symbol=${this.spec.symbol}`);
  }

  private frameFailure(status: number, trades: number, e: BookUpdate): NativeLifecycleError {
    if (status !== GN_ERR_INVALID) return this.failure(status, trades + 1, "gn_lifecycle_frame");
    const i = this.info[0]!;
    const what = i < trades ? `trade index=${i} exchTsMs=${this.cols.ts[i]} priceTicks=${this.cols.tradePrice[i]} qty=${this.cols.tradeQty[i]}` : `book update exchTsMs=${e.exchTsMs}`;
    return new NativeLifecycleError("invalid", `invalid market event (not applied, nor the ${trades} trades before the book update): ${what}, symbol=${this.spec.symbol}`, i);
  }

  private packTrade(t: Trade, i: number): void {
    const c = this.cols;
    c.kind[i] = EVENT_TRADE;
    c.ts[i] = t.exchTsMs;
    c.tradePrice[i] = t.priceTicks;
    c.tradeQty[i] = t.qty;
    c.tradeSide[i] = t.side === "buy" ? 1 : -1; // anything but a buy hits bids, as in lifecycle.ts
    c.offsets[i + 1] = c.offsets[i]!;
  }

  /** Packs a book update as event i with its levels from `lv`; returns the next level index. */
  private packBook(e: BookUpdate, i: number, lv: number): number {
    this.cols.kind[i] = e.reset ? EVENT_BOOK_RESET : EVENT_BOOK;
    this.cols.ts[i] = e.exchTsMs;
    this.cols.offsets[i] = lv;
    const m = e.levelSide.length;
    if (e.levelPriceTicks.length !== m || e.levelQty.length !== m) throw this.unevenLevels(e);
    this.cols.offsets[i + 1] = this.cols.copyLevels(e, lv);
    const top = this.top, t = i * this.topStride, d = this.depthLevels;
    const bidPrice = e.topBidPrice, askPrice = e.topAskPrice, bidQty = e.topBidQty, askQty = e.topAskQty;
    top[t] = bidPrice.length > 0 ? 1 : 0;
    top[t + 1] = bidPrice.length > 0 ? bidPrice[0]! : 0;
    top[t + 2] = askPrice.length > 0 ? 1 : 0;
    top[t + 3] = askPrice.length > 0 ? askPrice[0]! : 0;
    const nb = Math.min(d, bidQty.length), na = Math.min(d, askQty.length);
    top[t + 4] = nb;
    top[t + 5] = na;
    for (let j = 0; j < nb; j++) top[t + 6 + j] = bidQty[j]!;
    for (let j = 0; j < na; j++) top[t + 6 + d + j] = askQty[j]!;
    return lv + m;
  }

  private ensure(events: number, levels: number, rows: number): void {
    // Called with nothing buffered (pending === 0), so the event columns start empty.
    if (this.cols.ensure(events, levels)) this.top = new Float64Array(this.cols.eventCap * this.topStride);
    if (rows > this.rowCap) {
      this.rowCap = nextPow2(rows);
      this.countsOut = new Int32Array(this.rowCap * LAYOUT.counts);
      this.touchOut = new Float64Array(this.rowCap * LAYOUT.touch);
    }
  }

  private check(status: number, what: string): void {
    if (status !== GN_OK) throw this.failure(status, 0, what);
  }

  private failure(status: number, sent: number, what = "gn_lifecycle_process"): NativeLifecycleError {
    const text = this.library.statusText(status);
    if (status === GN_ERR_HANDLE) return new NativeLifecycleError("handle", `${what}: handle ${this.handle} unknown to the library (${text}), symbol=${this.spec.symbol}`);
    if (status === GN_ERR_INVALID && what === "gn_lifecycle_process") {
      const i = this.info[0]!;
      const kind = this.cols.kind[i] === EVENT_TRADE ? "trade" : "book";
      return new NativeLifecycleError("invalid", `invalid market event (not applied, with the ${sent} events of its call): index=${i}, kind=${kind}, exchTsMs=${this.cols.ts[i]}, symbol=${this.spec.symbol} (native: ${text})`, i);
    }
    if (status === GN_ERR_INVALID) return new NativeLifecycleError("invalid", `${what}: invalid argument (${text}), symbol=${this.spec.symbol}`);
    // Only the calls that change the lifecycle clear it when they fail inside (their state is then unknown).
    const cleared = CLEARING_CALLS.has(what) ? "; the lifecycle was cleared" : "";
    return new NativeLifecycleError("native", `${what} failed: status=${status} (${text}), symbol=${this.spec.symbol}${cleared}`);
  }
}
