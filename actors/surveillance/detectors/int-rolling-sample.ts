/**
 * rolling.ts's RollingSample for counts (integers >= 0: gap widths, level
 * changes, trades per window), read at a few quantiles fixed up front, with
 * the same answers push for push: a read returns the window as of the last
 * refresh, which happens on the same pushes (every `refreshEvery`, and every
 * push while fewer than 64 values were sorted). A push is O(1) (a histogram
 * bin in, one out); a refresh walks the histogram once per quantile from the
 * nearer end instead of sorting and merging the window, which made the
 * sample pushes of the quote-stuffing and liquidity-gap detectors most of
 * their cost per book update. Values that are not integers below
 * BIN_LIMIT (larger counts, Infinity, NaN) go to a small sorted list above
 * the histogram, NaN last as a typed-array sort puts it; a negative or
 * fractional value is refused (no count is one).
 */
import { quantileIndex } from "../rolling.ts";

const BIN_LIMIT = 4096;

export class IntRollingSample {
  private readonly ring: Float64Array;
  /** How many of the window's values equal each integer below BIN_LIMIT. */
  private readonly bins = new Int32Array(BIN_LIMIT);
  /** The window's other values (>= BIN_LIMIT, Infinity, NaN), ascending, NaN last. */
  private readonly high: number[] = [];
  private binned = 0;
  /** Largest bin that may be non-empty (a walk from the top starts there). */
  private topBin = 0;
  private next = 0;
  count = 0;
  private sortedCount = 0;
  private sinceRefresh = 0;
  /** The quantiles as of the last refresh, in the order of `quantiles`. */
  private readonly values: Float64Array;

  constructor(readonly capacity: number, private readonly quantiles: readonly number[], private readonly refreshEvery = Math.max(16, capacity >> 3)) {
    this.ring = new Float64Array(capacity);
    this.values = new Float64Array(quantiles.length).fill(NaN);
  }

  push(value: number): void {
    // A small count (the usual case) is checked with one comparison chain.
    if (!(value >= 0 && value < BIN_LIMIT && (value | 0) === value) && (value < BIN_LIMIT || value < 0)) throw new Error(`IntRollingSample takes counts (integers >= 0), got ${value}`);
    if (this.count === this.capacity) this.remove(this.ring[this.next]!);
    this.add(value);
    this.ring[this.next] = value;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.count < this.capacity) this.count++;
    if (++this.sinceRefresh >= this.refreshEvery || this.sortedCount < 64) this.refresh();
  }

  /** Quantile q (one given to the constructor) of the window as of the last refresh; NaN when empty. */
  quantile(q: number): number {
    const qs = this.quantiles;
    for (let k = 0; k < qs.length; k++) if (qs[k] === q) return this.values[k]!;
    throw new Error(`IntRollingSample: quantile ${q} was not requested (have ${qs.join(", ")})`);
  }

  median(): number {
    return this.quantile(0.5);
  }

  private add(value: number): void {
    if (value < BIN_LIMIT) {
      this.bins[value]!++;
      this.binned++;
      if (value > this.topBin) this.topBin = value;
      return;
    }
    const h = this.high;
    let at = h.length;
    // NaN (value !== value) sorts last; a number goes before the first larger value or NaN.
    if (value === value) while (at > 0 && !(h[at - 1]! <= value)) at--;
    h.splice(at, 0, value);
  }

  private remove(value: number): void {
    if (value < BIN_LIMIT) {
      this.bins[value]!--;
      this.binned--;
      return;
    }
    const h = this.high;
    const at = value === value ? h.indexOf(value) : h.findIndex((x) => x !== x);
    h.splice(at, 1);
  }

  private refresh(): void {
    this.sinceRefresh = 0;
    this.sortedCount = this.count;
    const n = this.count;
    for (let k = 0; k < this.quantiles.length; k++) {
      const i = quantileIndex(this.quantiles[k]!, n);
      // No rank (a NaN quantile, or an infinite one over one value): NaN, as RollingSample reads it.
      this.values[k] = n === 0 || Number.isNaN(i) ? NaN : this.nth(i);
    }
  }

  /** The i-th smallest value in the window (0-based). */
  private nth(i: number): number {
    if (i >= this.binned) return this.high[i - this.binned]!;
    const bins = this.bins;
    if (i < this.binned >> 1) {
      let seen = 0;
      for (let v = 0; ; v++) {
        seen += bins[v]!;
        if (seen > i) return v;
      }
    }
    // Nearer the top: count down from the largest occupied bin.
    while (bins[this.topBin] === 0 && this.topBin > 0) this.topBin--;
    let above = this.binned - 1 - i;
    for (let v = this.topBin; ; v--) {
      above -= bins[v]!;
      if (above < 0) return v;
    }
  }
}
