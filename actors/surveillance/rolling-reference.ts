/**
 * RollingSample as first written (tests only): the window copied and fully
 * re-sorted on every refresh, with the same refresh rule and the same reads
 * as rolling.ts. The oracle for rolling.ts's merged refresh
 * (rolling.test.ts) and the rolling sample of the reference lifecycle
 * (lifecycle-reference.ts). Values equal rolling.ts's, but not bit for bit
 * around zero: a full sort puts -0 before +0, the merge keeps the order the
 * values came in, so rolling-equivalence.test.ts compares against the
 * previous merge instead.
 */
export class ReferenceRollingSample {
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
    if (++this.sinceRefresh >= this.refreshEvery || this.sortedCount < 64) {
      this.sinceRefresh = 0;
      const view = this.sorted.subarray(0, this.count);
      view.set(this.ring.subarray(0, this.count));
      view.sort();
      this.sortedCount = this.count;
    }
  }

  quantile(q: number): number {
    if (this.sortedCount === 0) return NaN;
    return this.sorted[Math.min(this.sortedCount - 1, Math.max(0, Math.floor(q * (this.sortedCount - 1) + 0.5)))]!;
  }

  median(): number {
    return this.quantile(0.5);
  }

  /** Fraction of the window strictly below `value`, by a linear count. */
  rank(value: number): number {
    const n = this.sortedCount;
    if (n === 0) return NaN;
    let below = 0;
    for (let i = 0; i < n; i++) if (this.sorted[i]! < value) below++;
    return below / n;
  }

  clear(): void {
    this.next = 0;
    this.count = 0;
    this.sortedCount = 0;
    this.sinceRefresh = 0;
  }
}
