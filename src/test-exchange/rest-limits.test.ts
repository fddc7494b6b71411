import { describe, expect, test } from "bun:test";
import { depthWeight, WeightLimiter } from "./rest-limits.ts";

describe("WeightLimiter", () => {
  test("charges per clock-aligned window and resets at the next one", () => {
    const limiter = new WeightLimiter({ limit: 100, windowMs: 1000 });
    expect(limiter.charge(20, 5000)).toEqual({ ok: true, usedWeight: 20 });
    expect(limiter.charge(20, 5999)).toEqual({ ok: true, usedWeight: 40 });
    expect(limiter.charge(20, 6000)).toEqual({ ok: true, usedWeight: 20 });
    expect(limiter.stats.maxUsedInWindow).toBe(40);
  });

  test("past the limit: 429 with Retry-After up to the window's end; the refused request is not charged", () => {
    const limiter = new WeightLimiter({ limit: 50, windowMs: 60_000 });
    limiter.charge(40, 1_000);
    expect(limiter.charge(20, 1_500)).toEqual({ ok: false, status: 429, retryAfterSec: 59, usedWeight: 40 });
    expect(limiter.usedWeight(1_600)).toBe(40);
    // After Retry-After (a new window) the client is served again.
    expect(limiter.charge(20, 60_000)).toEqual({ ok: true, usedWeight: 20 });
    expect(limiter.stats.violations).toBe(0);
  });

  test("calling again during Retry-After is a violation; the third violation is banned with 418", () => {
    const limiter = new WeightLimiter({ limit: 20, windowMs: 1000, violationsBeforeBan: 3, banMs: 120_000 });
    limiter.charge(20, 0);
    expect(limiter.charge(20, 100)).toMatchObject({ ok: false, status: 429 });
    expect(limiter.charge(20, 200)).toMatchObject({ ok: false, status: 429 });
    expect(limiter.charge(20, 300)).toMatchObject({ ok: false, status: 429 });
    expect(limiter.charge(20, 400)).toEqual({ ok: false, status: 418, retryAfterSec: 120, usedWeight: 20 });
    // Banned even in later windows until the ban ends.
    expect(limiter.charge(2, 5_000)).toMatchObject({ ok: false, status: 418, retryAfterSec: 116 });
    expect(limiter.charge(2, 120_400)).toEqual({ ok: true, usedWeight: 2 });
    expect(limiter.stats).toMatchObject({ rejected429: 3, rejected418: 2, violations: 3 });
  });

  test("depth weights: Binance's table", () => {
    expect([5, 10, 20, 50, 100, 500, 1000].map(depthWeight)).toEqual([2, 2, 2, 2, 5, 10, 20]);
  });
});
