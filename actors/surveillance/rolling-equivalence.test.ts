/**
 * rolling.ts's RollingSample against its previous implementation (kept verbatim below as the
 * oracle): the chunk reuse and the sentinel merge must give the same value, bit for bit
 * (Object.is: -0 and NaN included), at every read after every push, as the C++
 * rolling_sample.hpp mirror expects. Not against rolling-reference.ts's full re-sort: that one
 * orders -0 and +0 differently from any merge, so it cannot judge signed zeros.
 */
import { describe, expect, test } from "bun:test";
import { RollingSample } from "./rolling.ts";

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

function same(a: number, b: number): boolean {
  return Object.is(a, b);
}

const QS = [0, 0.002, 0.1, 0.5, 0.75, 0.9, 0.998, 1];

function check(capacity: number, refreshEvery: number | undefined, pushes: number, seed: number, value: (r: () => number, i: number) => number, clearEvery = 0): void {
  const r = rng(seed);
  const now = new RollingSample(capacity, refreshEvery);
  const was = new PreviousRollingSample(capacity, refreshEvery);
  for (let i = 0; i < pushes; i++) {
    if (clearEvery > 0 && i > 0 && i % clearEvery === 0) {
      now.clear();
      was.clear();
    }
    const v = value(r, i);
    now.push(v);
    was.push(v);
    expect(now.count).toBe(was.count);
    for (const q of QS) if (!same(now.quantile(q), was.quantile(q))) throw new Error(`push ${i} (${v}): quantile ${q} ${now.quantile(q)} vs ${was.quantile(q)}`);
    const probe = value(r, i);
    if (!same(now.rank(probe), was.rank(probe))) throw new Error(`push ${i}: rank(${probe}) ${now.rank(probe)} vs ${was.rank(probe)}`);
  }
}

describe("RollingSample matches its previous implementation at every read", () => {
  const cases: [number, number | undefined][] = [[512, 64], [3000, 375], [4096, 256], [240, 16], [1000, 16], [300, 3], [100, undefined], [77, 16], [64, 20], [5, 16]];
  for (const [cap, every] of cases) {
    test(`capacity ${cap}, refresh ${every ?? "default"}: continuous, duplicates, signed zeros`, () => {
      check(cap, every, 6 * cap + 500, cap, (r) => r() * 100);
      check(cap, every, 6 * cap + 500, cap + 1, (r) => Math.round(r() * 8) - 4);
      check(cap, every, 6 * cap + 500, cap + 2, (r) => { const u = r(); return u < 0.4 ? -0 : u < 0.8 ? 0 : Math.round(r() * 3) - 1; });
    });
    test(`capacity ${cap}, refresh ${every ?? "default"}: Infinity, NaN, clear()`, () => {
      check(cap, every, 5 * cap + 300, cap + 3, (r) => { const u = r(); return u < 0.01 ? NaN : u < 0.03 ? Infinity : u < 0.05 ? -Infinity : Math.round(u * 50); });
      check(cap, every, 5 * cap + 300, cap + 4, (r) => Math.round(r() * 20) / 4, Math.max(7, Math.floor(cap * 1.7)));
    });
  }
});

/** The RollingSample before the chunk reuse and the sentinel merge (verbatim): the oracle. */
class PreviousRollingSample {
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

