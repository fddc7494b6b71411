/** RollingSample's merged refresh gives exactly the window a full re-sort would. */
import { describe, expect, test } from "bun:test";
import { rng } from "../analytics/random-events.ts";
import { Ewma, RollingSample } from "./rolling.ts";
import { ReferenceRollingSample } from "./rolling-reference.ts";

describe("RollingSample", () => {
  test("quantiles and ranks equal a full re-sort of the window", () => {
    const r = rng(5);
    for (const [capacity, refreshEvery] of [[1, 16], [7, 16], [100, 3], [300, 37], [1024, 512], [50, 1], [64, 200]] as const) {
      const fast = new RollingSample(capacity, refreshEvery);
      const ref = new ReferenceRollingSample(capacity, refreshEvery);
      for (let i = 0; i < 5000; i++) {
        const roll = r();
        // Repeats, zeros and the occasional NaN (which forces a full sort).
        const v = roll < 0.3 ? Math.floor(r() * 5) : roll < 0.001 + 0.3 ? NaN : r() * 100;
        fast.push(v);
        ref.push(v);
        for (const q of [0, 0.1, 0.5, 0.9, 1]) {
          const want = ref.quantile(q);
          const got = fast.quantile(q);
          if (!(got === want || (Number.isNaN(got) && Number.isNaN(want)))) throw new Error(`cap=${capacity} push=${i} q=${q}: ${got} != ${want}`);
        }
        expect(fast.rank(50)).toBe(ref.rank(50));
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
