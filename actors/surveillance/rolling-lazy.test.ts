/** LazyRollingSample reads what RollingSample reads after the same pushes (same refresh schedule). */
import { describe, expect, test } from "bun:test";
import { rng } from "../analytics/random-events.ts";
import { LazyRollingSample } from "./rolling-lazy.ts";
import { RollingSample } from "./rolling.ts";

/** Equal as a comparison sees them: NaN with NaN, -0 with +0 (see rolling-lazy.ts). */
function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

describe("LazyRollingSample", () => {
  test("every quantile after every push equals RollingSample's, whether or not it was read in between", () => {
    const r = rng(11);
    for (const [capacity, refreshEvery] of [[0, 16], [1, 16], [7, 16], [100, 3], [300, 37], [512, undefined], [1024, 512], [50, 1], [64, 200]] as const) {
      const lazy = new LazyRollingSample(capacity, refreshEvery);
      const eager = new RollingSample(capacity, refreshEvery);
      for (let i = 0; i < 6000; i++) {
        const roll = r();
        // Repeats, zeros, the occasional NaN, and runs of pushes nobody reads.
        const v = roll < 0.3 ? Math.floor(r() * 5) : roll < 0.002 + 0.3 ? NaN : r() * 100;
        lazy.push(v);
        eager.push(v);
        expect(lazy.count).toBe(eager.count);
        if (r() < 0.7) continue;
        for (const q of [0, 0.1, 0.5, 0.9, 1]) {
          if (!same(lazy.quantile(q), eager.quantile(q))) throw new Error(`cap=${capacity} push=${i} q=${q}: ${lazy.quantile(q)} != ${eager.quantile(q)}`);
        }
        expect(same(lazy.median(), eager.median())).toBe(true);
      }
    }
  });

  test("empty: NaN", () => {
    expect(new LazyRollingSample(8).median()).toBeNaN();
  });
});
