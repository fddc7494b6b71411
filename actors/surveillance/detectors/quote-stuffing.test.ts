import { describe, expect, test } from "bun:test";
import type { BookUpdate } from "../../../src/switchboard.ts";
import type { Alert } from "../alert.ts";
import type { UpdateCounts } from "../lifecycle.ts";
import { withDefaults } from "../params.ts";
import { nearTouchChanges, QuoteStuffingDetector, type NearTouchCounts } from "./quote-stuffing.ts";

/** Small windows: warm after 5 samples of 100 ms. */
const P = { ...withDefaults().quoteStuffing, nearTicks: 10, warmupSamples: 5 };

function book(tsMs: number, levels: [side: number, priceTicks: number][] = []): BookUpdate {
  return {
    kind: "book", symbol: "X", exchTsMs: tsMs, localTsMs: tsMs, u: tsMs, reset: false, stale: false,
    levelSide: Uint8Array.from(levels.map((l) => l[0])), levelPriceTicks: Float64Array.from(levels.map((l) => l[1])), levelQty: new Float64Array(levels.length).fill(1),
    topBidPrice: new Float64Array(0), topBidQty: new Float64Array(0), topAskPrice: new Float64Array(0), topAskQty: new Float64Array(0),
  };
}

describe("nearTouchChanges", () => {
  test("counts levels at most nearTicks behind their side's touch or inside the spread; none against an unknown touch", () => {
    const out = new Int32Array(2);
    // Touch 100 / 102: bids at 100, 90 (10 behind), 101 (inside) near, 89 not; asks at 102, 112, 101 near, 113 not.
    const e = book(0, [[0, 100], [0, 90], [0, 89], [0, 101], [1, 102], [1, 112], [1, 113], [1, 101]]);
    nearTouchChanges(e, 100, 102, 10, out);
    expect([...out]).toEqual([6, 3]);
    nearTouchChanges(e, NaN, 102, 10, out);
    expect([...out]).toEqual([3, 0]);
  });
});

describe("quote stuffing with the lifecycle's near-touch counts", () => {
  /** Baseline traffic of 2 near changes per 100 ms, then a 300 ms burst of `burst` each; alerts. */
  function run(counts: (near: number) => UpdateCounts & Partial<NearTouchCounts>, levels: (near: number) => [number, number][]): Alert[] {
    const d = new QuoteStuffingDetector("X", P);
    const alerts: Alert[] = [];
    let ts = 0;
    const step = (near: number) => {
      const a = d.onBook(book(ts, levels(near)), counts(near), 100, 102);
      if (a) alerts.push(a);
      ts += 100;
    };
    for (let i = 0; i < 20; i++) step(2);
    for (let i = 0; i < 3; i++) step(200);
    for (let i = 0; i < 10; i++) step(0);
    return alerts;
  }
  const cancelled = (near: number) => ({ adds: 0, cancels: near, consumed: 0, cancelsBySide: [near, 0] });
  const nearLevels = (near: number): [number, number][] => Array.from({ length: near }, () => [0, 100]);

  test("counts given for the detector's nearTicks are used instead of a pass over the levels", () => {
    // The frames carry no levels: only the counts show the burst.
    const alerts = run((near) => ({ ...cancelled(near), nearTicks: P.nearTicks, near, nearBid: near }), () => []);
    expect(alerts.map((a) => a.type)).toEqual(["quote_stuffing"]);
    expect(alerts[0]!.side).toBe("bid");
  });

  test("counts for another nearTicks are ignored: the levels are counted", () => {
    const other = (near: number) => ({ ...cancelled(near), nearTicks: P.nearTicks + 1, near: 0, nearBid: 0 });
    expect(run(other, () => [])).toEqual([]);
    const fromLevels = run(other, nearLevels);
    const fromCounts = run((near) => ({ ...cancelled(near), nearTicks: P.nearTicks, near, nearBid: near }), () => []);
    expect(fromLevels.length).toBe(1);
    expect(fromLevels).toEqual(fromCounts);
  });
});
