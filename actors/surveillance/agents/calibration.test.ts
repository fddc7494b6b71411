import { describe, expect, test } from "bun:test";
import { LOBSTER_CALIBRATION } from "./calibration.ts";
import { loadLobsterStats, lobsterStats } from "./lobster-calibration.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe("LOBSTER calibration", () => {
  test("the constants are the medians of the three sample files", async () => {
    const stats = await loadLobsterStats();
    expect(stats.length).toBe(3);
    const c = LOBSTER_CALIBRATION;
    for (const q of ["p10", "p25", "p50", "p75"] as const) expect(median(stats.map((s) => s.cancelLifetimeMs[q]))).toBeCloseTo(c.cancelLifetimeMs[q], 2);
    expect(median(stats.map((s) => s.cancelToTradeRatio))).toBeCloseTo(c.cancelToTradeRatio, 2);
    expect(median(stats.map((s) => s.sizeOverMedian.p99))).toBeCloseTo(c.sizeP99OverMedian, 2);
  });

  test("a hand-made message file", () => {
    const text = [
      "1.000,1,10,100,100,1", // submit 10
      "1.500,3,10,100,100,1", // delete 10 unfilled after 500 ms
      "2.000,1,11,400,101,-1", // submit 11 (4x median)
      "2.100,4,11,100,101,-1", // partial fill
      "2.200,3,11,300,101,-1", // delete after a fill: not an unfilled cancel
      "3.000,1,12,100,100,1",
      "3.010,2,12,50,100,1", // partial cancel
    ].join("\n");
    const s = lobsterStats("x_message_1.csv", text);
    expect(s.submits).toBe(3);
    expect(s.cancelLifetimeMs.p50).toBeCloseTo(500, 6);
    expect(s.cancelToTradeRatio).toBe(3);
    expect(s.cancelledUnfilledShare).toBeCloseTo(1 / 3, 3);
    expect(s.sizeOverMedian.p99).toBe(4);
  });
});
