/**
 * Rolling statistics by exchange time for adaptive thresholds: a ring of
 * samples whose quantiles are recomputed every `refreshEvery` pushes, so a
 * push is O(1) amortised and a quantile read is O(1). A refresh does not
 * re-sort the window: it sorts only the values pushed and evicted since the
 * last one and merges them into the previous sorted copy (O(capacity + k log k)
 * instead of O(capacity log capacity)); the result is the same sorted window.
 */
export class RollingSample {
  private readonly ring: Float64Array;
  private sorted: Float64Array;
  /** The merge target, swapped with `sorted` after each merge. */
  private spare: Float64Array;
  /** Values pushed and values evicted from the window since the last refresh. */
  private readonly pushed: Float64Array;
  private readonly evicted: Float64Array;
  private pushedCount = 0;
  private evictedCount = 0;
  /** Set when the merge cannot be used (a NaN pushed, or more pushes than capacity): re-sort. */
  private fullSort = false;
  private next = 0;
  count = 0;
  private sortedCount = 0;
  private sinceRefresh = 0;

  constructor(readonly capacity: number, private readonly refreshEvery = Math.max(16, capacity >> 3)) {
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
    this.spare = new Float64Array(capacity);
    this.pushed = new Float64Array(capacity);
    this.evicted = new Float64Array(capacity);
  }

  push(value: number): void {
    if (this.pushedCount < this.capacity && value === value) {
      this.pushed[this.pushedCount++] = value;
      if (this.count === this.capacity) this.evicted[this.evictedCount++] = this.ring[this.next]!;
    } else this.fullSort = true;
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
    this.pushedCount = 0;
    this.evictedCount = 0;
    this.fullSort = false;
  }

  private refresh(): void {
    this.sinceRefresh = 0;
    if (this.fullSort || !this.merge()) {
      const view = this.sorted.subarray(0, this.count);
      view.set(this.ring.subarray(0, this.count));
      view.sort();
    }
    this.sortedCount = this.count;
    this.pushedCount = 0;
    this.evictedCount = 0;
    this.fullSort = false;
  }

  /** Old sorted copy minus the evicted values plus the pushed ones; false if they do not match up. */
  private merge(): boolean {
    const np = this.pushedCount, ne = this.evictedCount;
    const pushed = np > 1 ? this.pushed.subarray(0, np).sort() : this.pushed;
    const evicted = ne > 1 ? this.evicted.subarray(0, ne).sort() : this.evicted;
    const old = this.sorted, out = this.spare, n = this.sortedCount;
    // A sort puts NaNs last; the merge would slide new values after them.
    if (n > 0 && Number.isNaN(old[n - 1]!)) return false;
    let e = 0, a = 0, w = 0;
    for (let i = 0; i < n; i++) {
      const x = old[i]!;
      if (e < ne && evicted[e] === x) {
        e++;
        continue;
      }
      while (a < np && pushed[a]! < x) out[w++] = pushed[a++]!;
      out[w++] = x;
    }
    while (a < np) out[w++] = pushed[a++]!;
    if (e !== ne || w !== this.count) return false;
    this.spare = old;
    this.sorted = out;
    return true;
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
