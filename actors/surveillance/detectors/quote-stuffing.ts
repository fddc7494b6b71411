/**
 * Quote stuffing: a burst of order traffic near the touch that is almost all
 * placed-and-pulled liquidity, with no more trading than usual.
 *
 * Traffic is counted as level changes within `nearTicks` of each side's
 * touch (a batched depth frame shows a stuffing burst as many such changes,
 * an unbatched feed as many one-change updates: both count), summed over a
 * sliding `windowMs`. The baseline is the symbol's own distribution of that
 * sum (sampled every `sampleMs`, the last `window` samples): a burst is a sum
 * above max(rateMultiple x its `quantile`, that quantile + minExcess), with
 * cancels / (cancels + trade-explained decreases) >= minCancelRatio and no
 * more trades than the baseline's same quantile of trades per window (+1).
 * One alert per burst, when the windowed sum falls back (so at most
 * `windowMs` after the last stuffing message). At least `minNearShare` of
 * the window's level changes must be near the touch (stuffing crowds the
 * touch; a repricing burst moves the whole book). Samples taken during a burst
 * stay out of the baseline so a burst cannot hide itself. Cost per book
 * update: one pass over its level changes with a distance check, none when
 * the lifecycle counted them (NearTouchCounts, the native one).
 */
import type { BookUpdate } from "../../../src/switchboard.ts";
import type { Alert } from "../alert.ts";
import type { UpdateCounts } from "../lifecycle.ts";
import type { QuoteStuffingParams } from "../params.ts";
import { IntRollingSample } from "./int-rolling-sample.ts";
import { clamp01, makeAlert, round, sideName } from "./make-alert.ts";

/**
 * This update's near-touch level changes as a lifecycle counted them in its own pass over the
 * levels (the native one does; see GN_LIFECYCLE_COUNTS): the changes at most `nearTicks` behind
 * their side's touch after the update, inside the spread included, none against an unknown
 * touch, 0 for a reset. Used when `nearTicks` is the detector's own, instead of a second pass.
 */
export interface NearTouchCounts {
  readonly nearTicks: number;
  near: number;
  /** Of them on the bid side. */
  nearBid: number;
}

/**
 * The near-touch level changes of a (non-reset) update: `out` = [changes at most `nearTicks`
 * behind their side's touch (bid - price for a bid, price - ask for an ask) or inside the
 * spread (a level just emptied there), of them on the bid side]. A NaN touch is near nothing.
 */
export function nearTouchChanges(update: BookUpdate, bestBidTicks: number, bestAskTicks: number, nearTicks: number, out: Int32Array): void {
  let near = 0, bid = 0;
  const sides = update.levelSide, prices = update.levelPriceTicks;
  for (let i = 0, n = sides.length; i < n; i++) {
    const side = sides[i]!;
    const price = prices[i]!;
    const dist = side === 0 ? bestBidTicks - price : price - bestAskTicks;
    if (dist <= nearTicks) {
      near++;
      if (side === 0) bid++;
    }
  }
  out[0] = near;
  out[1] = bid;
}

/** A burst from its first stuffed update: the peak window's figures. */
export interface Burst {
  tsStart: number;
  tsEnd: number;
  peak: number;
  threshold: number;
  changes: number;
  cancels: number;
  consumed: number;
  trades: number;
  bySide: [number, number];
}

/** Per-update records in the sliding window: a growable ring of [ts, all, near, bid, cancels, consumed]. */
class Window {
  private buf = new Float64Array(6 * 1024);
  /** Records the ring holds (buf.length / 6). */
  private cap = 1024;
  private head = 0;
  private size = 0;
  sumAll = 0;
  sumNear = 0;
  sumBid = 0;
  sumCancels = 0;
  sumConsumed = 0;

  push(ts: number, all: number, near: number, bid: number, cancels: number, consumed: number): void {
    if (this.size === this.cap) this.grow();
    let slot = this.head + this.size;
    if (slot >= this.cap) slot -= this.cap;
    const r = slot * 6;
    const b = this.buf;
    b[r] = ts;
    b[r + 1] = all;
    b[r + 2] = near;
    b[r + 3] = bid;
    b[r + 4] = cancels;
    b[r + 5] = consumed;
    this.size++;
    this.sumAll += all;
    this.sumNear += near;
    this.sumBid += bid;
    this.sumCancels += cancels;
    this.sumConsumed += consumed;
  }

  expire(fromTs: number): void {
    const b = this.buf, cap = this.cap;
    while (this.size > 0 && b[this.head * 6]! < fromTs) {
      const r = this.head * 6;
      this.sumAll -= b[r + 1]!;
      this.sumNear -= b[r + 2]!;
      this.sumBid -= b[r + 3]!;
      this.sumCancels -= b[r + 4]!;
      this.sumConsumed -= b[r + 5]!;
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
      this.size--;
    }
  }

  private grow(): void {
    const old = this.buf, cap = this.cap;
    const next = new Float64Array(old.length * 2);
    for (let i = 0; i < this.size; i++) next.set(old.subarray(((this.head + i) % cap) * 6, ((this.head + i) % cap) * 6 + 6), i * 6);
    this.buf = next;
    this.cap = cap * 2;
    this.head = 0;
  }
}

/**
 * Trade times in arrival order, those of the window in slots head..end-1 of a column that is
 * moved down when mostly spent and grown by doubling (a ring of plain numbers: a push is a store).
 */
export class TradeTimes {
  private times = new Float64Array(1024);
  private head = 0;
  private end = 0;

  /** Times in the window. */
  get count(): number {
    return this.end - this.head;
  }

  push(ts: number): void {
    let end = this.end;
    if (end === this.times.length) {
      // Keep the window's times only, in a column twice their number at least.
      const head = this.head, kept = end - head, old = this.times;
      const next = kept * 2 > end ? new Float64Array(2 * end) : old;
      if (next === old) old.copyWithin(0, head, end);
      else next.set(old.subarray(head, end));
      this.times = next;
      this.head = 0;
      end = kept;
    }
    this.times[end] = ts;
    this.end = end + 1;
  }

  /** Drops the oldest times while they are before `fromTs` (in arrival order: the first one not before it stops the drop). */
  dropBefore(fromTs: number): void {
    const times = this.times, end = this.end;
    let head = this.head;
    while (head < end && times[head]! < fromTs) head++;
    this.head = head;
  }
}

export class QuoteStuffingDetector {
  private readonly win = new Window();
  /** nearTouchChanges' output, reused. */
  private readonly nearOut = new Int32Array(2);
  private readonly tradeTimes = new TradeTimes();
  /** Counts, so the counting sample (RollingSample's answers for less). */
  private readonly changes: IntRollingSample;
  private readonly tradeCounts: IntRollingSample;
  private lastSampleTsMs = -Infinity;
  private burst: Burst | null = null;
  /** The baseline as of the last sample push (its quantiles change only then), read once per push, not per update. */
  private warm = false;
  private threshold = Infinity;
  private usualTrades = NaN;

  constructor(private readonly symbol: string, private readonly p: QuoteStuffingParams) {
    this.changes = new IntRollingSample(p.window, [p.quantile]);
    this.tradeCounts = new IntRollingSample(p.window, [p.quantile]);
    this.readBaseline();
  }

  private readBaseline(): void {
    const p = this.p;
    this.warm = this.changes.count >= p.warmupSamples;
    const q = this.warm ? this.changes.quantile(p.quantile) : Infinity;
    this.threshold = Math.max(p.rateMultiple * q, q + p.minExcess);
    this.usualTrades = this.tradeCounts.quantile(p.quantile);
  }

  onTrade(ts: number): void {
    this.tradeTimes.push(ts);
  }

  /** After the lifecycle has seen `update` (its counts are this update's). */
  onBook(update: BookUpdate, counts: UpdateCounts & Partial<NearTouchCounts>, bestBidTicks: number, bestAskTicks: number): Alert | null {
    const p = this.p;
    const ts = update.exchTsMs;
    let near = 0, bid = 0;
    const nearTicks = p.nearTicks, n = update.levelSide.length;
    if (update.reset) {
      // Nothing counted.
    } else if (counts.nearTicks === nearTicks) {
      near = counts.near!;
      bid = counts.nearBid!;
    } else {
      const out = this.nearOut;
      nearTouchChanges(update, bestBidTicks, bestAskTicks, nearTicks, out);
      near = out[0]!;
      bid = out[1]!;
    }
    this.win.push(ts, update.reset ? 0 : n, near, bid, counts.cancels, counts.consumed);
    this.win.expire(ts - p.windowMs);
    this.tradeTimes.dropBefore(ts - p.windowMs);
    return this.judge(ts);
  }

  private judge(ts: number): Alert | null {
    const p = this.p;
    const w = this.win;
    const trades = this.tradeTimes.count;
    const warm = this.warm;
    const threshold = this.threshold;
    // Cheapest test first: most updates are nowhere near the threshold.
    // Stuffing crowds the touch; a repricing burst moves the whole book.
    const stuffed = warm && w.sumNear > threshold && w.sumNear / Math.max(1, w.sumAll) >= p.minNearShare
      && w.sumCancels / Math.max(1, w.sumCancels + w.sumConsumed) >= p.minCancelRatio && trades <= this.usualTrades + 1;
    let alert: Alert | null = null;
    if (stuffed) {
      const b = (this.burst ??= { tsStart: ts, tsEnd: ts, peak: 0, threshold, changes: 0, cancels: 0, consumed: 0, trades: 0, bySide: [0, 0] });
      b.tsEnd = ts;
      if (w.sumNear > b.peak) {
        b.peak = w.sumNear;
        b.changes = w.sumNear;
        b.cancels = w.sumCancels;
        b.consumed = w.sumConsumed;
        b.trades = trades;
        b.bySide = [w.sumBid, w.sumNear - w.sumBid];
      }
    } else if (this.burst !== null && w.sumNear <= threshold) {
      alert = this.endBurst(ts);
    }
    // Baseline samples, never from inside a burst.
    if (ts - this.lastSampleTsMs >= p.sampleMs && this.burst === null) {
      this.lastSampleTsMs = ts;
      this.changes.push(w.sumNear);
      this.tradeCounts.push(trades);
      this.readBaseline();
    }
    return alert;
  }

  private endBurst(nowTs: number): Alert {
    const b = this.burst!;
    this.burst = null;
    return stuffingAlert(this.symbol, this.p, b, nowTs);
  }
}

/** The alert for a burst `b` that ended at `nowTs` (its sum fell back to the threshold). */
export function stuffingAlert(symbol: string, p: QuoteStuffingParams, b: Burst, nowTs: number): Alert {
  const ratio = b.peak / Math.max(1, b.threshold / p.rateMultiple);
  const cancelRatio = b.cancels / Math.max(1, b.cancels + b.consumed);
  const intensity = clamp01(Math.log(ratio / p.rateMultiple) / Math.log(8));
  // Every burst that passed the checks is an alert (>= 50); the rest of the score ranks them.
  const score = 50 + 50 * (0.6 * intensity + 0.4 * clamp01((cancelRatio - p.minCancelRatio) / (1 - p.minCancelRatio)));
  const side = sideName(b.bySide[1] > b.bySide[0] ? 1 : 0);
  const durationMs = nowTs - b.tsStart;
  return makeAlert(
    symbol,
    "quote_stuffing",
    side,
    score,
    b.tsStart - p.windowMs,
    nowTs,
    { nearTouchChanges: b.changes, windowMs: p.windowMs, usualChanges: round(b.threshold / p.rateMultiple, 4), ratio: round(ratio, 3), cancels: b.cancels, consumed: b.consumed, trades: b.trades, changesBySide: { bid: b.bySide[0], ask: b.bySide[1] }, nearTicks: p.nearTicks },
    `${b.changes} level changes within ${p.nearTicks} ticks of the touch in ${p.windowMs} ms (${round(ratio, 3)}x the usual high), ${round(100 * cancelRatio, 3)}% of removals cancels and ${b.trades} trades, over a burst of ${durationMs} ms.`,
  );
}
