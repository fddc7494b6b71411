import { describe, expect, test } from "bun:test";
import { withDefaults } from "../params.ts";
import { AggressorFlow, poissonTail } from "./aggressor-flow.ts";

const P = withDefaults().aggressorFlow;

/** Five minutes of steady flow against `side`: one taker order of `qty` every 500 ms. */
function steady(flow: AggressorFlow, side: number, fromMs: number, toMs: number, qty = 1): void {
  for (let t = fromMs; t < toMs; t += 500) flow.onTrade(side, t, qty);
}

describe("aggressor flow test", () => {
  test("no test before the baseline holds enough events", () => {
    const flow = new AggressorFlow(P);
    steady(flow, 1, 0, 5_000);
    expect(flow.test(1, 5_000, 6_000)).toBeNull();
  });

  test("a test from 20 committed baseline events on: a spoof 17 s into a stream is judged", () => {
    const flow = new AggressorFlow(P);
    steady(flow, 1, 0, 17_000); // 34 events, 22 of them past the commit delay
    expect(flow.test(1, 17_000, 18_000)).not.toBeNull();
  });

  test("several large taker orders while the order rests stand out; ordinary flow does not", () => {
    const flow = new AggressorFlow(P);
    steady(flow, 1, 0, 300_000);
    const ordinary = flow.test(1, 290_000, 292_000)!;
    expect(Math.abs(ordinary.z)).toBeLessThan(2);
    // Four separate taker orders of 10x the usual size over 2 s.
    const burst = new AggressorFlow(P);
    steady(burst, 1, 0, 300_000);
    for (const t of [300_100, 300_600, 301_100, 301_600]) burst.onTrade(1, t, 10);
    const test1 = burst.test(1, 300_000, 302_000)!;
    expect(test1.z).toBeGreaterThan(5);
    expect(test1.events).toBe(4);
    // The other side saw none of it.
    expect(burst.test(0, 300_000, 302_000)).toBeNull();
  });

  test("one huge sweep is trimmed away: a single taker order cannot make an alert", () => {
    const flow = new AggressorFlow(P);
    steady(flow, 1, 0, 300_000);
    // One order walking many levels prints several trades in the same millisecond: one event.
    for (let k = 0; k < 5; k++) flow.onTrade(1, 300_500, 40);
    const t = flow.test(1, 300_000, 302_000)!;
    expect(t.events).toBe(1);
    expect(t.windowQty).toBe(0);
    expect(t.z).toBeLessThan(1);
    expect(t.zCapped).toBeGreaterThan(t.z);
  });

  test("three outsized taker orders count in full: no one sweep explains them, so none is trimmed", () => {
    // Usual flow of 1 with a 40 every 20 s: the cap is 10 median events, outsized is 30 or more.
    const run = (bigPrints: number[], toMs: number) => {
      const flow = new AggressorFlow(P);
      steady(flow, 1, 0, 300_000);
      for (let t = 0; t < 300_000; t += 20_000) flow.onTrade(1, t + 250, 40);
      steady(flow, 1, 300_000, toMs);
      for (const t of bigPrints) flow.onTrade(1, t, 40);
      return flow.test(1, 300_000, toMs)!;
    };
    const three = run([300_300, 300_900, 301_500], 302_000);
    expect(three.capQty).toBe(10);
    expect(three.outsizedEvents).toBe(3);
    expect(three.outsizedExpected).toBeCloseTo(0.1, 2); // 15 in the 300 s baseline, over 2 s
    expect(three.trimmed).toBe(false);
    expect(three.z).toBe(three.zCapped);
    expect(three.windowQty).toBe(three.cappedQty);
    // Two are not several: the largest is trimmed as before.
    const two = run([300_300, 300_900], 302_000);
    expect(two.trimmed).toBe(true);
    expect(two.windowQty).toBe(two.cappedQty - 10);
    expect(two.z).toBeLessThan(two.zCapped);
    // Three over a minute are what the baseline's rate of them expects (3): trimmed.
    const minute = run([310_300, 330_900, 350_500], 360_000);
    expect(minute.outsizedEvents).toBe(3);
    expect(minute.outsizedExpected).toBeGreaterThan(2.5);
    expect(minute.trimmed).toBe(true);
  });

  test("outsized prints of a skipped push or of an excluded baseline window are not counted", () => {
    const flow = new AggressorFlow(P);
    steady(flow, 1, 0, 150_000);
    // A flagged window (excluded as the engine does, right after its alert): five outsized prints in 5 s.
    for (let t = 150_000; t < 155_000; t += 500) {
      flow.onTrade(1, t, 1);
      if (t % 1000 === 0) flow.onTrade(1, t + 250, 40);
    }
    flow.exclude(1, 150_000, 155_000);
    steady(flow, 1, 155_000, 300_000);
    for (const t of [300_100, 300_200, 300_300]) flow.onTrade(1, t, 40); // a push of three outsized orders
    flow.markPush(1, 300_100, 300_300);
    const kept = flow.test(1, 300_000, 302_000)!, skipped = flow.test(1, 300_000, 302_000, true)!;
    expect(kept.capQty).toBe(10);
    expect(kept.outsizedExpected).toBe(0); // the flagged window's five are not the side's usual
    expect(kept.outsizedEvents).toBe(3);
    expect(kept.trimmed).toBe(false);
    expect(skipped.outsizedEvents).toBe(0);
    expect(skipped.trimmed).toBe(true);
  });

  test("poissonTail", () => {
    expect(poissonTail(0, 2)).toBe(1);
    expect(poissonTail(1, 0)).toBe(0);
    expect(poissonTail(1, 1)).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(poissonTail(3, 0.3)).toBeCloseTo(1 - Math.exp(-0.3) * (1 + 0.3 + 0.045), 12);
    // exp(-800) underflows; the terms in log space do not (P(N >= 1000 | 800) is about 5.5e-12).
    expect(poissonTail(1000, 800)).toBeGreaterThan(1e-12);
    expect(poissonTail(1000, 800)).toBeLessThan(1e-11);
  });

  test("skipPushes leaves a marked momentum push out of the tested window, and only when asked", () => {
    const flow = new AggressorFlow(P);
    steady(flow, 1, 0, 300_000);
    for (const t of [300_100, 300_140, 300_180, 300_220]) flow.onTrade(1, t, 10); // the push
    for (const t of [301_000, 301_500]) flow.onTrade(1, t, 10); // the resting order's real business
    flow.markPush(1, 300_100, 300_220);
    const withPush = flow.test(1, 300_000, 302_000)!, without = flow.test(1, 300_000, 302_000, true)!;
    expect(withPush.events).toBe(6);
    expect(without.events).toBe(2);
    expect(without.z).toBeLessThan(withPush.z);
    expect(without.expectedQty).toBe(withPush.expectedQty); // the baseline is the same
    expect(flow.test(0, 300_000, 302_000, true)).toBeNull(); // marks are per side
  });

  test("a flagged window is left out of later baselines", () => {
    const run = (exclude: boolean) => {
      const flow = new AggressorFlow(P);
      steady(flow, 1, 0, 200_000);
      for (let t = 200_000; t < 260_000; t += 500) flow.onTrade(1, t, 8); // a minute of heavy trading
      if (exclude) flow.exclude(1, 200_000, 260_000);
      steady(flow, 1, 260_000, 300_000);
      return flow.test(1, 300_000, 302_000)!;
    };
    const kept = run(false), excluded = run(true);
    expect(excluded.expectedQty).toBeLessThan(kept.expectedQty);
    expect(excluded.expectedQty).toBeCloseTo(4, 0); // 2 events of 1 per second x 2 s, as before the heavy minute
  });
});
