/**
 * RollingSample's quantiles for a sample pushed far more often than read:
 * a push only stores the value (a ring write), and a read sorts the window
 * RollingSample would have sorted at its last refresh (same refresh
 * schedule: every push while fewer than 64 values were sorted, then every
 * `refreshEvery` pushes), once per refresh at most (cached). Wash trading
 * pushes every trade's size but reads the median only for a candidate pair,
 * which most refresh periods never see: the merge RollingSample does every
 * refresh was most of a push's cost.
 *
 * A read gives the value RollingSample.quantile gives at the same point,
 * except that a window holding both -0 and +0 may return the other zero
 * (RollingSample's merge can order them either way; a full sort puts -0
 * first): equal under ==, <, >=, so no comparison can tell them apart.
 */
import { quantileIndex } from "./rolling.ts";

export class LazyRollingSample {
  /** The last capacity + refreshEvery values pushed: the window as of the last refresh is among them. */
  private readonly ring: Float64Array;
  private readonly scratch: Float64Array;
  /** Pushes so far, and the ring slot of the next (pushes mod the ring's length). */
  pushes = 0;
  private next = 0;
  count = 0;
  private sinceRefresh = 0;
  /** Push number and window size at the last refresh (the window is the `sortedCount` values up to push `refreshSeq`). */
  private refreshSeq = 0;
  private sortedCount = 0;
  /** Push number whose window `scratch` holds sorted (-1: none). */
  private sortedSeq = -1;

  constructor(readonly capacity: number, private readonly refreshEvery = Math.max(16, capacity >> 3)) {
    this.ring = new Float64Array(capacity + refreshEvery);
    this.scratch = new Float64Array(capacity);
  }

  push(value: number): void {
    this.ring[this.next] = value;
    this.next = this.next + 1 === this.ring.length ? 0 : this.next + 1;
    this.pushes++;
    if (this.count < this.capacity) this.count++;
    if (++this.sinceRefresh >= this.refreshEvery || this.sortedCount < 64) {
      this.sinceRefresh = 0;
      this.refreshSeq = this.pushes;
      this.sortedCount = this.count;
    }
  }

  /** Quantile q in [0, 1] of the window as of the last refresh; NaN when empty. */
  quantile(q: number): number {
    const n = this.sortedCount;
    if (n === 0) return NaN;
    const i = quantileIndex(q, n);
    if (this.sortedSeq !== this.refreshSeq) this.sortWindow();
    return this.scratch[i]!;
  }

  median(): number {
    return this.quantile(0.5);
  }

  private sortWindow(): void {
    const ring = this.ring, len = ring.length, n = this.sortedCount, out = this.scratch;
    // Pushes refreshSeq - n + 1 .. refreshSeq (1-based) went to ring slots (refreshSeq - n) .. (refreshSeq - 1) mod len.
    let at = (this.refreshSeq - n) % len;
    for (let i = 0; i < n; i++) {
      out[i] = ring[at]!;
      if (++at === len) at = 0;
    }
    out.subarray(0, n).sort();
    this.sortedSeq = this.refreshSeq;
  }
}
