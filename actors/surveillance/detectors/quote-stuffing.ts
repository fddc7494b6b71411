/**
 * Quote stuffing: seconds (buckets) whose add+cancel level events are far
 * above the symbol's own rolling baseline (rateMultiple x mean and
 * zScore deviations above it), mostly cancels, with little trading.
 * Consecutive stuffed buckets form one alert, emitted when the burst ends.
 * Stuffed buckets are kept out of the baseline so a burst cannot hide itself.
 */
import type { Alert } from "../alert.ts";
import type { UpdateCounts } from "../lifecycle.ts";
import type { QuoteStuffingParams } from "../params.ts";
import { Ewma } from "../rolling.ts";
import { clamp01, makeAlert, round, sideName } from "./make-alert.ts";

interface Burst {
  tsStart: number;
  tsEnd: number;
  messages: number;
  cancels: number;
  consumed: number;
  trades: number;
  cancelsBySide: [number, number];
  peakRatio: number;
  baselineMean: number;
}

export class QuoteStuffingDetector {
  private readonly rate: Ewma;
  private readonly tradeRate: Ewma;
  private bucketStart = NaN;
  private adds = 0;
  private cancels = 0;
  private consumed = 0;
  private trades = 0;
  private readonly bySide: [number, number] = [0, 0];
  private burst: Burst | null = null;

  constructor(private readonly symbol: string, private readonly p: QuoteStuffingParams) {
    this.rate = new Ewma(p.baselineHalfLife);
    this.tradeRate = new Ewma(p.baselineHalfLife);
  }

  onBook(counts: UpdateCounts, ts: number): Alert | null {
    const alert = this.advance(ts);
    this.adds += counts.adds;
    this.cancels += counts.cancels;
    this.consumed += counts.consumed;
    this.bySide[0] += counts.cancelsBySide[0]!;
    this.bySide[1] += counts.cancelsBySide[1]!;
    return alert;
  }

  onTrade(ts: number): Alert | null {
    const alert = this.advance(ts);
    this.trades++;
    return alert;
  }

  /** Closes finished buckets up to `ts`; returns an alert when a burst just ended. */
  private advance(ts: number): Alert | null {
    if (Number.isNaN(this.bucketStart)) this.bucketStart = ts - (ts % this.p.bucketMs);
    if (ts < this.bucketStart + this.p.bucketMs) return null;
    let alert = this.closeBucket();
    // Idle buckets count as quiet seconds (a few at most, so a long gap does not erase the baseline).
    const skipped = Math.floor((ts - this.bucketStart) / this.p.bucketMs) - 1;
    for (let i = 0; i < Math.min(skipped, 5); i++) {
      this.rate.push(0);
      this.tradeRate.push(0);
    }
    if (skipped > 0 && this.burst) alert ??= this.endBurst();
    this.bucketStart = ts - (ts % this.p.bucketMs);
    return alert;
  }

  private closeBucket(): Alert | null {
    const p = this.p;
    const messages = this.adds + this.cancels;
    const warm = this.rate.count >= p.warmupBuckets;
    const threshold = Math.max(p.rateMultiple * this.rate.mean, this.rate.mean + p.zScore * this.rate.std);
    const cancelRatio = this.cancels / Math.max(1, this.cancels + this.consumed);
    const stuffed = warm && messages > threshold && cancelRatio >= p.minCancelRatio && this.trades <= p.maxTradeMultiple * this.tradeRate.mean + 1;
    let alert: Alert | null = null;
    if (stuffed) {
      const b = (this.burst ??= { tsStart: this.bucketStart, tsEnd: 0, messages: 0, cancels: 0, consumed: 0, trades: 0, cancelsBySide: [0, 0], peakRatio: 0, baselineMean: this.rate.mean });
      b.tsEnd = this.bucketStart + p.bucketMs;
      b.messages += messages;
      b.cancels += this.cancels;
      b.consumed += this.consumed;
      b.trades += this.trades;
      b.cancelsBySide[0] += this.bySide[0];
      b.cancelsBySide[1] += this.bySide[1];
      b.peakRatio = Math.max(b.peakRatio, messages / Math.max(1, this.rate.mean));
    } else {
      if (this.burst) alert = this.endBurst();
      this.rate.push(messages);
      this.tradeRate.push(this.trades);
    }
    this.adds = this.cancels = this.consumed = this.trades = 0;
    this.bySide[0] = this.bySide[1] = 0;
    return alert;
  }

  private endBurst(): Alert {
    const b = this.burst!;
    this.burst = null;
    const p = this.p;
    const seconds = (b.tsEnd - b.tsStart) / 1000;
    const cancelRatio = b.cancels / Math.max(1, b.cancels + b.consumed);
    const intensity = clamp01(Math.log(b.peakRatio / p.rateMultiple) / Math.log(4));
    const score = 100 * (0.5 + 0.3 * intensity + 0.1 * clamp01((cancelRatio - p.minCancelRatio) / (1 - p.minCancelRatio)) + 0.1 * clamp01(seconds / 5));
    const side = sideName(b.cancelsBySide[1] > b.cancelsBySide[0] ? 1 : 0);
    return makeAlert(
      this.symbol,
      "quote_stuffing",
      side,
      score,
      b.tsStart,
      b.tsEnd,
      { messages: b.messages, cancels: b.cancels, consumed: b.consumed, trades: b.trades, cancelsBySide: { bid: b.cancelsBySide[0], ask: b.cancelsBySide[1] }, baselinePerBucket: round(b.baselineMean, 4), peakRatio: round(b.peakRatio, 3), bucketMs: p.bucketMs },
      `${b.messages} add/cancel level events in ${seconds} s (${round(b.peakRatio, 3)}x the usual rate at peak), ${round(100 * cancelRatio, 3)}% cancels and ${b.trades} trades.`,
    );
  }
}
