import { describe, expect, test } from "bun:test";
import type { BookUpdate } from "../../../src/switchboard.ts";
import type { Alert } from "../alert.ts";
import type { UpdateCounts } from "../lifecycle.ts";
import { withDefaults } from "../params.ts";
import { nearTouchChanges, QuoteStuffingDetector, TradeTimes, type NearTouchCounts } from "./quote-stuffing.ts";

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

describe("TradeTimes", () => {
  test("the window's count as a plain list dropping from its front: bursts past the column's size, moves down, out-of-order and NaN times", () => {
    let state = 7;
    const rand = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const times = new TradeTimes();
    const plain: number[] = [];
    let head = 0, ts = 0, maxCount = 0;
    for (let i = 0; i < 60_000; i++) {
      const r = rand();
      if (r < 0.6) {
        // Some stamped back; NaN (never dropped, it stops every later drop) only at the end.
        const t = i > 55_000 && rand() < 0.001 ? NaN : rand() < 0.05 ? ts - 300 * rand() : ts;
        times.push(t);
        plain.push(t);
      } else {
        // A busy first stretch holds thousands of prints (the column grows); later ones a few dozen (it moves down).
        ts += r < 0.62 ? 2000 : (i < 20_000 ? 0.5 : 50) * rand();
        const from = ts - 500;
        times.dropBefore(from);
        while (head < plain.length && plain[head]! < from) head++;
      }
      expect(times.count).toBe(plain.length - head);
      maxCount = Math.max(maxCount, times.count);
    }
    expect(maxCount).toBeGreaterThan(2048);
  });
});
