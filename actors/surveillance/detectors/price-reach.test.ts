import { describe, expect, test } from "bun:test";
import { withDefaults } from "../params.ts";
import { PriceReach } from "./price-reach.ts";

const P = withDefaults().priceReach;

describe("price reach", () => {
  test("nothing is known before the first samples", () => {
    expect(new PriceReach(P).ticks(1000)).toBe(0);
  });

  test("a mid that steps 4 ticks every second: 4 ticks over 1 s, 8 over 2 s, none on a stuck mid", () => {
    const reach = new PriceReach(P);
    let mid2 = 2_000_000;
    for (let t = 0; t < 120_000; t += 100) {
      if (t % 1000 === 0) mid2 += 8; // 4 ticks (mid2 is twice the mid)
      reach.onMid(t, mid2);
    }
    expect(reach.ticks(1000)).toBe(4);
    expect(reach.ticks(2000)).toBe(8);
    expect(reach.ticks(500, 0.9)).toBe(4); // half the 500 ms windows hold a step
    // Between horizons: interpolated in sqrt(time), so 1.5 s lies between 4 and 8.
    const mid = reach.ticks(1500);
    expect(mid).toBeGreaterThan(4);
    expect(mid).toBeLessThan(8);
    const stuck = new PriceReach(P);
    for (let t = 0; t < 120_000; t += 100) stuck.onMid(t, 2_000_000);
    expect(stuck.ticks(4000)).toBe(0);
  });

  test("a sticky book that jumps now and then: p75 stays small, a high quantile sees the jumps", () => {
    const reach = new PriceReach(P);
    let mid2 = 2_000_000;
    for (let t = 0; t < 120_000; t += 100) {
      if (t % 10_000 === 0) mid2 += 60; // a 30-tick jump every 10 s
      reach.onMid(t, mid2);
    }
    expect(reach.ticks(1000)).toBe(0);
    expect(reach.ticks(1000, 0.99)).toBe(30);
  });
});
