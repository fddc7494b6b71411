/**
 * Rolling statistics by exchange time for adaptive thresholds: a ring of
 * samples whose quantiles are recomputed every `refreshEvery` pushes, so a
 * push is O(1) amortised and a quantile read is O(1). A refresh does not
 * re-sort the window: it sorts only the values pushed and evicted since the
 * last one and merges them into the previous sorted copy (O(capacity + k log k)
 * instead of O(capacity log capacity)); the result is the same sorted window.
 * Two shortcuts give the merge's result for less: a full window's evictions,
 * once they are exactly an earlier refresh's pushes, reuse that refresh's sort,
 * and a few pushes into a window that evicted nothing are inserted in place.
 */

/** The index of quantile q in [0, 1] of n sorted values (nearest rank, clamped; n > 0). */
export function quantileIndex(q: number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.floor(q * (n - 1) + 0.5)));
}

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
  /**
   * Each refresh's pushed values, sorted, stored at the ring positions they went to: when the
   * values a refresh evicts are exactly one earlier refresh's pushes (same positions, one full
   * ring later, the steady state), their sorted order is copied from here instead of sorted
   * again (the sorts were most of a push's cost). `chunkSeq`/`chunkLen` at a chunk's first
   * position: the push number it started at and its length (-1: none). Allocated once the
   * window first fills (a short-lived sample never needs them).
   */
  private chunkSorted: Float64Array | null = null;
  private chunkSeq: Float64Array | null = null;
  private chunkLen: Int32Array | null = null;
  /** Pushes so far (never reset: a stored chunk is matched by it). */
  private seq = 0;
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
    // One slot past capacity each for the merge's sentinel.
    this.pushed = new Float64Array(capacity + 1);
    this.evicted = new Float64Array(capacity + 1);
  }

  push(value: number): void {
    if (this.pushedCount < this.capacity && value === value) {
      this.pushed[this.pushedCount++] = value;
      if (this.count === this.capacity) this.evicted[this.evictedCount++] = this.ring[this.next]!;
    } else this.fullSort = true;
    this.ring[this.next] = value;
    this.seq++;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.count < this.capacity) this.count++;
    // Refresh often while young so early reads are meaningful.
    if (++this.sinceRefresh >= this.refreshEvery || this.sortedCount < 64) this.refresh();
  }

  /** Quantile q in [0, 1] of the window as of the last refresh; NaN when empty. */
  quantile(q: number): number {
    if (this.sortedCount === 0) return NaN;
    return this.sorted[quantileIndex(q, this.sortedCount)]!;
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
    this.chunkSeq?.fill(-1);
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
    const np = this.pushedCount, ne = this.evictedCount, cap = this.capacity;
    if (np > 1) this.pushed.subarray(0, np).sort();
    const pushed = this.pushed;
    // This refresh's pushes went to ring positions start.. (wrapping); so did its evictions' pushes one ring earlier.
    let start = this.next - np;
    if (start < 0) start += cap;
    const evicted = this.evicted;
    if (this.count === cap) {
      const chunkSorted = this.chunkSorted ?? this.allocateChunks();
      const chunkSeq = this.chunkSeq!, chunkLen = this.chunkLen!;
      if (ne === np && ne > 1 && chunkLen[start] === ne && chunkSeq[start] === this.seq - np - cap) {
        for (let i = 0, at = start; i < ne; i++) {
          evicted[i] = chunkSorted[at]!;
          if (++at === cap) at = 0;
        }
      } else if (ne > 1) evicted.subarray(0, ne).sort();
      for (let i = 0, at = start; i < np; i++) {
        chunkSorted[at] = pushed[i]!;
        if (++at === cap) at = 0;
      }
      chunkSeq[start] = this.seq - np;
      chunkLen[start] = np;
    } else if (ne > 1) evicted.subarray(0, ne).sort();
    const old = this.sorted, out = this.spare, n = this.sortedCount;
    // A sort puts NaNs last; the merge would slide new values after them.
    if (n > 0 && Number.isNaN(old[n - 1]!)) return false;
    if (ne === 0 && np * INSERT_RATIO <= n) return this.insert(np);
    // Sentinels end each list (NaN equals nothing, Infinity is below nothing): no bounds tests in the loop.
    // Read through the full buffers (the sorted subarrays share them) so the sentinel reads stay in bounds.
    const pb = this.pushed, eb = this.evicted;
    pb[np] = Infinity;
    eb[ne] = NaN;
    let e = 0, a = 0, w = 0;
    let ev = eb[0]!, pv = pb[0]!;
    for (let i = 0; i < n; i++) {
      const x = old[i]!;
      if (ev === x) {
        ev = eb[++e]!;
        continue;
      }
      while (pv < x) {
        out[w++] = pv;
        pv = pb[++a]!;
      }
      out[w++] = x;
    }
    while (a < np) out[w++] = pb[a++]!;
    if (e !== ne || w !== this.count) return false;
    this.spare = old;
    this.sorted = out;
    return true;
  }

  /** Allocates the chunk store; returns `chunkSorted`. */
  private allocateChunks(): Float64Array {
    this.chunkSeq = new Float64Array(this.capacity).fill(-1);
    this.chunkLen = new Int32Array(this.capacity);
    return (this.chunkSorted = new Float64Array(this.capacity));
  }

  /**
   * The merge's result when nothing was evicted and few values were pushed (a window still
   * filling, and every refresh of a young one): each pushed value, largest first, goes in place
   * where the merge would put it, after every old value not above it (the first old value it is
   * below, by binary search), the old values past it moved up at once. Same order as the merge,
   * signed zeros included (neither is below the other there either).
   */
  private insert(np: number): boolean {
    const sorted = this.sorted, pushed = this.pushed;
    if (this.sortedCount + np !== this.count) return false;
    let hi = this.sortedCount;
    for (let a = np - 1; a >= 0; a--) {
      const v = pushed[a]!;
      let lo = 0, h = hi;
      while (lo < h) {
        const mid = (lo + h) >> 1;
        if (v < sorted[mid]!) h = mid;
        else lo = mid + 1;
      }
      if (lo < hi) sorted.copyWithin(lo + a + 1, lo, hi);
      sorted[lo + a] = v;
      hi = lo;
    }
    return true;
  }
}

/** Pushed values are inserted in place (binary search each) rather than merged when at most 1/INSERT_RATIO of the window. */
const INSERT_RATIO = 8;

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
