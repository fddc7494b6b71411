/**
 * How far the price usually moves over a given horizon, measured on the
 * symbol's own recent mid: the distance scale of the spoofing and layering
 * checks. An order meant to rest L ms unfilled sits about this far behind
 * the touch, and a cancel that far behind after a move of that size is
 * ordinary. The 75th percentile of |mid(t + h) - mid(t)| per horizon h,
 * sampled every `sampleMs` over the last `window` samples; a horizon between
 * two measured ones is interpolated in sqrt(time) (diffusion).
 *
 * Unlike the median 1 s move, this does not collapse to 0 on a sticky
 * book whose price stands still most seconds and then jumps. Cost: O(1) per
 * book update, a few rolling-sample pushes per `sampleMs`.
 */
import type { PriceReachParams } from "../params.ts";
import { RollingSample } from "../rolling.ts";

/** Horizons measured; the mid is sampled every `sampleMs`, each horizon keeps `window` moves. */
export const REACH_HORIZONS_MS = [500, 1000, 2000, 4000, 8000] as const;
/** Their square roots, for the interpolation (computed once, the same values as inline). */
const SQRT_HORIZONS: readonly number[] = REACH_HORIZONS_MS.map((h) => Math.sqrt(h));

/** What the detectors read: the usual |mid move| in ticks over a horizon (PriceReach, or its twin in libgenesis). */
export interface MidReach {
  /** At `quantile` (default the configured one); 0 before any sample. */
  ticks(horizonMs: number, quantile?: number): number;
}

export class PriceReach implements MidReach {
  /** Mid (2 x ticks) at each sample, newest last; long enough for the longest horizon. */
  private readonly history: Float64Array;
  private count = 0;
  private next = 0;
  private lastSampleTsMs = -Infinity;
  private readonly moves: RollingSample[];
  private readonly lags: number[];

  constructor(private readonly p: PriceReachParams) {
    this.lags = REACH_HORIZONS_MS.map((h) => Math.max(1, Math.round(h / p.sampleMs)));
    this.history = new Float64Array(this.lags[this.lags.length - 1]! + 1);
    this.moves = REACH_HORIZONS_MS.map(() => new RollingSample(p.window, Math.max(16, p.window >> 4)));
  }

  /** `mid2` is twice the mid in ticks (NaN while a side is empty). */
  onMid(tsMs: number, mid2: number): void {
    if (tsMs - this.lastSampleTsMs < this.p.sampleMs || Number.isNaN(mid2)) return;
    this.lastSampleTsMs = tsMs;
    const n = this.history.length;
    this.history[this.next] = mid2;
    this.next = (this.next + 1) % n;
    if (this.count < n) this.count++;
    for (let i = 0; i < this.lags.length; i++) {
      const lag = this.lags[i]!;
      if (this.count <= lag) break;
      const then = this.history[(this.next - 1 - lag + 2 * n) % n]!;
      this.moves[i]!.push(Math.abs(mid2 - then) / 2);
    }
  }

  /** The usual |mid move| in ticks over `horizonMs` (0 before any sample): its `quantile` (default the configured one). */
  ticks(horizonMs: number, quantile = this.p.quantile): number {
    const h = REACH_HORIZONS_MS;
    if (horizonMs <= h[0]) return this.at(0, quantile) * Math.sqrt(Math.max(0, horizonMs) / h[0]);
    for (let i = 1; i < h.length; i++) {
      if (horizonMs <= h[i]!) {
        const f = (Math.sqrt(horizonMs) - SQRT_HORIZONS[i - 1]!) / (SQRT_HORIZONS[i]! - SQRT_HORIZONS[i - 1]!);
        const lo = this.at(i - 1, quantile);
        return lo + f * (this.at(i, quantile) - lo);
      }
    }
    return this.at(h.length - 1, quantile) * Math.sqrt(horizonMs / h[h.length - 1]!);
  }

  private at(i: number, quantile: number): number {
    const m = this.moves[i]!;
    return m.count > 0 ? m.quantile(quantile) : 0;
  }

  clear(): void {
    this.count = 0;
    this.next = 0;
    this.lastSampleTsMs = -Infinity;
    for (const m of this.moves) m.clear();
  }
}
