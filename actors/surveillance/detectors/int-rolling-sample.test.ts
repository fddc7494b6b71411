import { describe, expect, test } from "bun:test";
import { RollingSample } from "../rolling.ts";
import { IntRollingSample } from "./int-rolling-sample.ts";

/** Deterministic pseudo-random stream (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("IntRollingSample", () => {
  test("answers as RollingSample, push for push, on counts with rare huge values, Infinity and NaN", () => {
    const quantiles = [0.5, 0.9, 0.998, 0.002];
    for (const [seed, capacity] of [[1, 300], [2, 3000], [3, 50], [4, 7]] as const) {
      const next = rng(seed);
      const reference = new RollingSample(capacity);
      const sample = new IntRollingSample(capacity, quantiles);
      for (let i = 0; i < 8 * capacity + 500; i++) {
        const r = next();
        const value = r < 0.002 ? Infinity : r < 0.004 ? NaN : r < 0.02 ? 4096 + Math.floor(next() * 100_000) : Math.floor(next() * next() * 60);
        reference.push(value);
        sample.push(value);
        expect(sample.count).toBe(reference.count);
        for (const q of quantiles) expect(sample.quantile(q)).toBe(reference.quantile(q));
        expect(sample.median()).toBe(reference.median());
      }
    }
  });

  test("NaN while empty, like RollingSample", () => {
    expect(new IntRollingSample(10, [0.5]).median()).toBeNaN();
  });

  test("refuses a fractional or negative value, and a quantile it was not built for", () => {
    const sample = new IntRollingSample(10, [0.5]);
    expect(() => sample.push(1.5)).toThrow(/integers >= 0/);
    expect(() => sample.push(-1)).toThrow(/integers >= 0/);
    sample.push(3);
    expect(() => sample.quantile(0.9)).toThrow(/not requested/);
  });
});
