/**
 * Momentum ignition: a burst of same-side aggressive trades that moves the
 * mid by more than moveSigmas x the symbol's recent volatility (scaled to
 * the burst window) within burstMs, followed by a reversal of at least
 * reversalFraction of the move within reversalMs. Fires at the reversal.
 * Volatility: EWMA of squared 1 s mid changes, in ticks.
 */
import type { Alert } from "../alert.ts";
import type { MomentumIgnitionParams } from "../params.ts";
import { Ewma } from "../rolling.ts";
import { clamp01, makeAlert, round } from "./make-alert.ts";

interface Ignition {
  readonly direction: number;
  readonly tsStart: number;
  readonly mid2Start: number;
  peakMid2: number;
  peakTsMs: number;
  readonly trades: number;
  readonly sameSideShare: number;
  readonly sigmaTicks: number;
}

export class MomentumIgnitionDetector {
  /** Mid history over the burst window: flat [tsMs, mid2] pairs from `head`. */
  private mids: number[] = [];
  private head = 0;
  /** Trades over the burst window: flat [tsMs, signedQty]. */
  private trades: number[] = [];
  private tradeHead = 0;
  private readonly vol: Ewma;
  private lastVolTsMs = NaN;
  private lastVolMid2 = NaN;
  private active: Ignition | null = null;
  private quietUntilTsMs = -Infinity;

  constructor(private readonly symbol: string, private readonly p: MomentumIgnitionParams) {
    this.vol = new Ewma(p.volHalfLife);
  }

  onTrade(ts: number, qty: number, buy: boolean): void {
    this.trades.push(ts, buy ? qty : -qty);
  }

  onMid(ts: number, mid2: number): Alert | null {
    if (Number.isNaN(mid2)) return null;
    const p = this.p;
    this.sampleVol(ts, mid2);
    this.mids.push(ts, mid2);
    while (this.head < this.mids.length - 2 && this.mids[this.head]! < ts - p.burstMs) this.head += 2;
    while (this.tradeHead < this.trades.length && this.trades[this.tradeHead]! < ts - p.burstMs) this.tradeHead += 2;
    if (this.head > 8192) {
      this.mids = this.mids.slice(this.head);
      this.head = 0;
    }
    if (this.tradeHead > 8192) {
      this.trades = this.trades.slice(this.tradeHead);
      this.tradeHead = 0;
    }
    if (this.active) return this.follow(ts, mid2);
    if (this.vol.count < p.warmupSamples || ts < this.quietUntilTsMs) return null;
    const startTs = this.mids[this.head]!, startMid2 = this.mids[this.head + 1]!;
    const moveTicks = (mid2 - startMid2) / 2;
    const sigmaTicks = Math.sqrt(this.vol.mean) * Math.sqrt(p.burstMs / 1000);
    if (Math.abs(moveTicks) < Math.max(p.minMoveTicks, p.moveSigmas * sigmaTicks)) return null;
    const direction = Math.sign(moveTicks);
    let same = 0, total = 0, count = 0;
    for (let i = this.tradeHead; i < this.trades.length; i += 2) {
      const q = this.trades[i + 1]!;
      total += Math.abs(q);
      if (Math.sign(q) === direction) same += Math.abs(q);
      count++;
    }
    if (count < p.minTrades || same < p.minSameSideShare * total) return null;
    this.active = { direction, tsStart: startTs, mid2Start: startMid2, peakMid2: mid2, peakTsMs: ts, trades: count, sameSideShare: same / total, sigmaTicks };
    return null;
  }

  private follow(ts: number, mid2: number): Alert | null {
    const a = this.active!;
    const p = this.p;
    if ((mid2 - a.peakMid2) * a.direction > 0) {
      a.peakMid2 = mid2;
      a.peakTsMs = ts;
    }
    const move = ((a.peakMid2 - a.mid2Start) / 2) * a.direction;
    const retrace = ((a.peakMid2 - mid2) / 2) * a.direction;
    if (retrace >= p.reversalFraction * move) {
      this.active = null;
      this.quietUntilTsMs = ts;
      const sigmas = move / Math.max(a.sigmaTicks, 1e-9);
      const score = 100 * (0.5 + 0.25 * clamp01(Math.log(sigmas / p.moveSigmas) / Math.log(3)) + 0.15 * clamp01(retrace / move) + 0.1 * clamp01((a.sameSideShare - p.minSameSideShare) / (1 - p.minSameSideShare)));
      // Buy aggressors lift the asks: that is the side the burst consumed.
      const side = a.direction > 0 ? "ask" : "bid";
      return makeAlert(
        this.symbol,
        "momentum_ignition",
        side,
        score,
        a.tsStart,
        ts,
        { moveTicks: move, retraceTicks: retrace, sigmaTicks: round(a.sigmaTicks, 4), moveSigmas: round(sigmas, 4), burstTrades: a.trades, sameSideShare: round(a.sameSideShare, 4), peakTsMs: a.peakTsMs, mid2Start: a.mid2Start, peakMid2: a.peakMid2 },
        `A burst of ${a.trades} mostly ${a.direction > 0 ? "buy" : "sell"} aggressive trades moved the mid ${move} ticks (${round(sigmas, 3)} sigma) and it retraced ${retrace} ticks within ${ts - a.peakTsMs} ms.`,
      );
    }
    if (ts - a.peakTsMs > p.reversalMs) {
      this.active = null;
      this.quietUntilTsMs = ts;
    }
    return null;
  }

  private sampleVol(ts: number, mid2: number): void {
    if (Number.isNaN(this.lastVolTsMs)) {
      this.lastVolTsMs = ts;
      this.lastVolMid2 = mid2;
      return;
    }
    if (ts - this.lastVolTsMs < 1000) return;
    const d = (mid2 - this.lastVolMid2) / 2;
    // Idle seconds count as zero changes (capped), so sigma is per second of exchange time.
    const idle = Math.min(10, Math.floor((ts - this.lastVolTsMs) / 1000) - 1);
    for (let i = 0; i < idle; i++) this.vol.push(0);
    this.vol.push(d * d);
    this.lastVolTsMs = ts;
    this.lastVolMid2 = mid2;
  }
}
