import { describe, expect, test } from "bun:test";
import { FenwickTree } from "./fenwick.ts";
import { Sfc32 } from "./prng.ts";
import { AliasTable, BoundedParetoLots } from "./sampling.ts";

describe("AliasTable", () => {
  test("draws each index with its weight's share", () => {
    const weights = [5, 0, 1, 3, 0.5, 10];
    const table = new AliasTable(weights);
    const rng = Sfc32.seeded(3);
    const counts = new Array(weights.length).fill(0);
    const n = 400_000;
    for (let i = 0; i < n; i++) counts[table.sample(rng)]++;
    const total = weights.reduce((a, b) => a + b, 0);
    weights.forEach((w, i) => expect(Math.abs(counts[i] / n - w / total)).toBeLessThan(0.004));
    expect(counts[1]).toBe(0);
  });

  test.each([[[]], [[0, 0]], [[1, -1]], [[1, Number.NaN]]])("rejects weights %p", (weights) => {
    expect(() => new AliasTable(weights as number[])).toThrow(/AliasTable/);
  });
});

describe("BoundedParetoLots", () => {
  test("draws integers in [min, max] with the computed mean and a heavy tail", () => {
    const sizes = new BoundedParetoLots(10, 50_000, 1.1);
    const rng = Sfc32.seeded(5);
    const n = 400_000;
    let sum = 0;
    let above100 = 0;
    for (let i = 0; i < n; i++) {
      const lots = sizes.sample(rng);
      expect(Number.isInteger(lots) && lots >= 10 && lots <= 50_000).toBe(true);
      sum += lots;
      if (lots >= 100) above100++;
    }
    // Heavy tail: P(X >= 100) = survival(100) (about 7.9%), much more than a thin tail would give.
    expect(Math.abs(above100 / n - sizes.survival(100))).toBeLessThan(0.003);
    expect(sizes.survival(100)).toBeGreaterThan(0.07);
    expect(Math.abs(sum / n / sizes.meanLots - 1)).toBeLessThan(0.05);
  });

  test("rejects bad parameters", () => {
    expect(() => new BoundedParetoLots(0, 10, 1)).toThrow(/minLots=0/);
    expect(() => new BoundedParetoLots(5, 4, 1)).toThrow(/maxLots=4/);
  });
});

describe("FenwickTree", () => {
  test("prefix sums and weighted lookup agree with brute force under random updates", () => {
    const size = 64;
    const tree = new FenwickTree(size);
    const weights = new Array(size).fill(0);
    const rng = Sfc32.seeded(9);
    for (let step = 0; step < 5_000; step++) {
      const slot = rng.nextInt(size);
      const delta = rng.nextInt(5) - (weights[slot] > 3 ? 4 : 0);
      weights[slot] += delta;
      tree.add(slot, delta);
      if (step % 50 !== 0) continue;
      let running = 0;
      for (let s = 0; s < size; s++) {
        running += weights[s];
        expect(tree.prefixSum(s)).toBe(running);
      }
      expect(tree.total).toBe(running);
      // Every target in a slot's weight range maps to that slot.
      let start = 0;
      for (let s = 0; s < size; s++) {
        if (weights[s] > 0) {
          expect(tree.find(start)).toBe(s);
          expect(tree.find(start + weights[s] - 0.5)).toBe(s);
        }
        start += weights[s];
      }
    }
  });

  test("requires a power-of-two size", () => {
    expect(() => new FenwickTree(100)).toThrow(/power of two/);
  });
});

describe("BoundedParetoLots mean", () => {
  test.each([
    [3, 5_000, 1.1],
    [10, 200_000, 1.0],
    [4_000, 2_000_000, 1.1],
  ])("the Euler-Maclaurin tail matches the exact sum for min=%p max=%p tail=%p", (min, max, tail) => {
    const sizes = new BoundedParetoLots(min, max, tail);
    let exact = min;
    for (let k = min + 1; k <= max; k++) exact += sizes.survival(k);
    expect(Math.abs(sizes.meanLots - exact)).toBeLessThan(1e-6 * exact);
  });
});
