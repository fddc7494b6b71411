/** RollingSample's merged refresh gives exactly the window a full re-sort would. */
import { describe, expect, test } from "bun:test";
import { rng } from "../analytics/random-events.ts";
import { Ewma, RollingSample } from "./rolling.ts";

/** The window as of the last refresh, re-sorted from scratch (refresh rule copied from push). */
class FullSort {
  private readonly ring: number[] = [];
  private since = 0;
  sorted: Float64Array = new Float64Array(0);
  constructor(readonly capacity: number, readonly refreshEvery: number) {}
  push(v: number): void {
    this.ring.push(v);
    if (this.ring.length > this.capacity) this.ring.shift();
    if (++this.since >= this.refreshEvery || this.sorted.length < 64) {
      this.since = 0;
      this.sorted = Float64Array.from(this.ring).sort();
    }
  }
}

describe("RollingSample", () => {
  test("quantiles and ranks equal a full re-sort of the window", () => {
    const r = rng(5);
    for (const [capacity, refreshEvery] of [[1, 16], [7, 16], [100, 3], [300, 37], [1024, 512], [50, 1], [64, 200]] as const) {
      const fast = new RollingSample(capacity, refreshEvery);
      const ref = new FullSort(capacity, refreshEvery);
      for (let i = 0; i < 5000; i++) {
        const roll = r();
        // Repeats, zeros and the occasional NaN (which forces a full sort).
        const v = roll < 0.3 ? Math.floor(r() * 5) : roll < 0.001 + 0.3 ? NaN : r() * 100;
        fast.push(v);
        ref.push(v);
        const n = ref.sorted.length;
        for (const q of [0, 0.1, 0.5, 0.9, 1]) {
          const want = ref.sorted[Math.min(n - 1, Math.max(0, Math.floor(q * (n - 1) + 0.5)))]!;
          const got = fast.quantile(q);
          if (!(got === want || (Number.isNaN(got) && Number.isNaN(want)))) throw new Error(`cap=${capacity} push=${i} q=${q}: ${got} != ${want}`);
        }
        expect(fast.rank(50)).toBe(ref.sorted.filter((x) => x < 50).length / n);
      }
      fast.clear();
      expect(fast.count).toBe(0);
      expect(fast.median()).toBeNaN();
    }
  });

  test("Ewma mean follows a constant", () => {
    const e = new Ewma(10);
    for (let i = 0; i < 100; i++) e.push(3);
    expect(e.mean).toBe(3);
    expect(e.std).toBe(0);
  });
});
