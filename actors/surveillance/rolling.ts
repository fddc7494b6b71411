/**
 * Rolling statistics by exchange time for adaptive thresholds: a ring of
 * samples whose quantiles are recomputed every `refreshEvery` pushes (a sort
 * of at most `capacity` numbers), so a push is O(1) amortised and a
 * quantile read is O(1).
 */
export class RollingSample {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private next = 0;
  count = 0;
  private sortedCount = 0;
  private sinceRefresh = 0;

  constructor(readonly capacity: number, private readonly refreshEvery = Math.max(16, capacity >> 3)) {
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  push(value: number): void {
    this.ring[this.next] = value;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.count < this.capacity) this.count++;
    // Refresh often while young so early reads are meaningful.
    if (++this.sinceRefresh >= this.refreshEvery || this.sortedCount < 64) this.refresh();
  }

  /** Quantile q in [0, 1] of the window as of the last refresh; NaN when empty. */
  quantile(q: number): number {
    if (this.sortedCount === 0) return NaN;
    const i = Math.min(this.sortedCount - 1, Math.max(0, Math.floor(q * (this.sortedCount - 1) + 0.5)));
    return this.sorted[i]!;
  }

  median(): number {
    return this.quantile(0.5);
  }

  /** Fraction of the window strictly below `value` (binary search on the sorted copy). */
  rank(value: number): number {
    const n = this.sortedCount;
    if (n === 0) return NaN;
    let lo = 0, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo / n;
  }

  clear(): void {
    this.next = 0;
    this.count = 0;
    this.sortedCount = 0;
    this.sinceRefresh = 0;
  }

  private refresh(): void {
    this.sinceRefresh = 0;
    const view = this.sorted.subarray(0, this.count);
    view.set(this.ring.subarray(0, this.count));
    view.sort();
    this.sortedCount = this.count;
  }
}

/** Exponentially weighted mean and variance, half-life in samples. */
export class Ewma {
  mean = 0;
  variance = 0;
  count = 0;
  private readonly alpha: number;

  constructor(halfLife: number) {
    this.alpha = 1 - Math.pow(0.5, 1 / Math.max(1, halfLife));
  }

  push(x: number): void {
    if (this.count++ === 0) {
      this.mean = x;
      this.variance = 0;
      return;
    }
    const d = x - this.mean;
    this.mean += this.alpha * d;
    this.variance = (1 - this.alpha) * (this.variance + this.alpha * d * d);
  }

  get std(): number {
    return Math.sqrt(this.variance);
  }

  clear(): void {
    this.mean = 0;
    this.variance = 0;
    this.count = 0;
  }
}
