/**
 * Low-severity context the old system called "detection": book pressure
 * (top-of-book imbalance beyond the tails of its own rolling distribution)
 * and liquidity gaps (empty-tick gaps near the touch far wider than usual).
 * Each is an episode from entering the extreme to leaving it, emitted when
 * it ends if it lasted long enough; scores stay below 50 unless extreme.
 * These classes are the reference: with the native lifecycle the same state
 * machines run in libgenesis (native/src/frame_detectors.cpp, twin of these;
 * see frame-detectors.ts).
 */
import type { Alert } from "../alert.ts";
import type { BookUpdate } from "../../../src/switchboard.ts";
import type { BookPressureParams, LiquidityGapParams } from "../params.ts";
import { RollingSample } from "../rolling.ts";
import { IntRollingSample } from "./int-rolling-sample.ts";
import { clamp01, makeAlert, round } from "./make-alert.ts";

/** An episode from entering the extreme to leaving it. */
export interface Extreme {
  tsStart: number;
  peak: number;
  side: "bid" | "ask";
  threshold: number;
}

/** The alert for a book-pressure extreme `o` that ended at `ts`. */
export function pressureAlert(symbol: string, p: BookPressureParams, o: Extreme, ts: number): Alert {
  const durationMs = ts - o.tsStart;
  const extreme = clamp01((Math.abs(o.peak) - 0.9) / 0.09);
  const score = 100 * (0.2 + 0.15 * clamp01(durationMs / 10_000) + 0.1 * clamp01((Math.abs(o.peak) - Math.abs(o.threshold)) / 0.2) + 0.3 * extreme * clamp01(durationMs / 10_000));
  return makeAlert(symbol, "book_pressure", o.side, score, o.tsStart, ts,
    { peakImbalance: round(o.peak, 4), threshold: round(o.threshold, 4), levels: p.levels, durationMs, tail: p.tail },
    `Top-${p.levels} imbalance stayed beyond its usual range on the ${o.side} side for ${durationMs} ms (peak ${round(o.peak, 3)}); context, not manipulation by itself.`);
}

/** The alert for a liquidity-gap extreme `o` that ended at `ts`. */
export function gapAlert(symbol: string, p: LiquidityGapParams, o: Extreme, ts: number): Alert {
  const durationMs = ts - o.tsStart;
  const extreme = clamp01((o.peak / o.threshold - 4) / 4);
  const score = 100 * (0.2 + 0.1 * clamp01(durationMs / 10_000) + 0.15 * clamp01((o.peak / o.threshold - 1) / 3) + 0.3 * extreme);
  return makeAlert(symbol, "liquidity_gap", o.side, score, o.tsStart, ts,
    { peakGapTicks: o.peak, thresholdTicks: o.threshold, levels: p.levels, durationMs },
    `An empty gap of up to ${o.peak} ticks opened within the top ${p.levels} ${o.side} levels for ${durationMs} ms (usual at most ${o.threshold - 1}); context only.`);
}

export class BookPressureDetector {
  private readonly samples: RollingSample;
  private lastSampleTsMs = -Infinity;
  private open: Extreme | null = null;
  /** The tails as of the last push: a sample's quantiles change only when it is pushed. */
  private hi = NaN;
  private lo = NaN;

  constructor(private readonly symbol: string, private readonly p: BookPressureParams) {
    this.samples = new RollingSample(p.window);
  }

  onBook(update: BookUpdate): Alert | null {
    const p = this.p;
    const bid = sum(update.topBidQty, p.levels), ask = sum(update.topAskQty, p.levels);
    if (bid + ask <= 0) return null;
    const imbalance = (bid - ask) / (bid + ask);
    const ts = update.exchTsMs;
    if (ts - this.lastSampleTsMs >= p.sampleMs) {
      this.samples.push(imbalance);
      this.lastSampleTsMs = ts;
      this.hi = this.samples.quantile(1 - p.tail);
      this.lo = this.samples.quantile(p.tail);
    }
    if (this.samples.count < p.warmupSamples) return null;
    const hi = this.hi, lo = this.lo;
    const side = imbalance > hi ? "bid" : imbalance < lo ? "ask" : null;
    const o = this.open;
    if (o && side === o.side) {
      if (Math.abs(imbalance) > Math.abs(o.peak)) o.peak = imbalance;
      return null;
    }
    this.open = side ? { tsStart: ts, peak: imbalance, side, threshold: side === "bid" ? hi : lo } : null;
    if (!o || ts - o.tsStart < p.minDurationMs) return null;
    return pressureAlert(this.symbol, p, o, ts);
  }
}

export class LiquidityGapDetector {
  private readonly samples: IntRollingSample;
  private lastSampleTsMs = -Infinity;
  /** The gap threshold as of the last push (the sample's quantiles change only then). */
  private threshold = NaN;
  private readonly open: (Extreme | null)[] = [null, null];
  private readonly bidGap: SideGap;
  private readonly askGap: SideGap;

  constructor(private readonly symbol: string, tickSize: number, private readonly p: LiquidityGapParams) {
    // Gap widths are whole ticks: the counting sample gives RollingSample's answers for less.
    this.samples = new IntRollingSample(p.window, [0.5, 1 - p.tail]);
    this.bidGap = new SideGap(p.levels, 1 / tickSize);
    this.askGap = new SideGap(p.levels, 1 / tickSize);
  }

  /** Pushes the gap episodes this update ended onto `out` (no allocation on the common path). */
  onBook(update: BookUpdate, out: Alert[]): void {
    const p = this.p;
    const ts = update.exchTsMs;
    const bidGap = this.bidGap.of(update.topBidPrice), askGap = this.askGap.of(update.topAskPrice);
    if (ts - this.lastSampleTsMs >= p.sampleMs) {
      this.samples.push(bidGap);
      this.samples.push(askGap);
      this.lastSampleTsMs = ts;
      this.threshold = Math.max(p.minGapTicks, p.gapMultiple * Math.max(1, this.samples.median()), this.samples.quantile(1 - p.tail) + 1);
    }
    if (this.samples.count < p.warmupSamples) return;
    const threshold = this.threshold;
    this.side(0, bidGap, threshold, ts, out);
    this.side(1, askGap, threshold, ts, out);
  }

  private side(s: number, gap: number, threshold: number, ts: number, out: Alert[]): void {
    const p = this.p, o = this.open[s];
    if (gap >= threshold) {
      if (o) o.peak = Math.max(o.peak, gap);
      else this.open[s] = { tsStart: ts, peak: gap, side: s === 0 ? "bid" : "ask", threshold };
      return;
    }
    if (o === null) return;
    this.open[s] = null;
    if (ts - o.tsStart < p.minDurationMs) return;
    out.push(gapAlert(this.symbol, p, o, ts));
  }
}

function sum(qty: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0, m = Math.min(n, qty.length); i < m; i++) s += qty[i]!;
  return s;
}

/**
 * Largest run of empty ticks between neighbouring levels among a side's first `levels` (0 when
 * contiguous), remembered with the prices it came from: most depth frames leave the top levels'
 * prices as they were (about 9 in 10 on BTCUSDT), and then the width is too.
 */
class SideGap {
  /** Sized on first use (`levels` may exceed what a frame carries). */
  private prices = new Float64Array(0);
  private length = -1;
  private gap = 0;

  constructor(private readonly levels: number, private readonly ticksPerUnit: number) {}

  of(prices: Float64Array): number {
    const m = Math.min(this.levels, prices.length);
    let last = this.prices;
    if (m === this.length) {
      let i = 0;
      while (i < m && prices[i] === last[i]) i++;
      if (i === m) return this.gap;
    }
    let gap = 0;
    if (m >= 2) {
      // Each level rounded to ticks once, carried to the next pair.
      let prev = Math.round(prices[0]! * this.ticksPerUnit);
      for (let i = 1; i < m; i++) {
        const cur = Math.round(prices[i]! * this.ticksPerUnit);
        const g = Math.abs(cur - prev) - 1;
        if (g > gap) gap = g;
        prev = cur;
      }
    }
    if (last.length < m) last = this.prices = new Float64Array(Math.ceil(m));
    for (let i = 0; i < m; i++) last[i] = prices[i]!;
    this.length = m;
    this.gap = gap;
    return gap;
  }
}
