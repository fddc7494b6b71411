import { describe, expect, test } from "bun:test";
import { rng } from "../../actors/analytics/random-events.ts";
import { INJECTABLE_TYPES } from "../../actors/surveillance/agents/inject.ts";
import { metricsOf, poolCounts, type TypeCounts } from "../../actors/surveillance/eval/evaluate.ts";
import { runEvalDetectors } from "./eval-detectors.ts";
import { f1Interval, runEvalSeeds } from "./eval-detectors-seeds.ts";

const counts = (alerts: number, matchedAlerts: number, episodes: number, detectedEpisodes: number): TypeCounts => ({
  counts: { alerts, matchedAlerts, episodes, detectedEpisodes, delaysMs: [] },
  cleanAlerts: 0,
  cleanHours: 1,
});

describe("genesis eval detectors --seeds", () => {
  test("pools the seeds' counts: each seed's F1 is its own run's, the pooled one comes from the summed counts", async () => {
    const pooled = await runEvalSeeds({ seeds: [7, 8], episodes: 2, input: [] });
    const one = [await runEvalDetectors({ seed: 7, episodes: 2, input: [] }), await runEvalDetectors({ seed: 8, episodes: 2, input: [] })];
    expect(pooled.input.seeds).toEqual([7, 8]);
    expect(pooled.input.cleanHours).toBeCloseTo(one[0]!.input.cleanHours + one[1]!.input.cleanHours, 3);
    for (const t of INJECTABLE_TYPES) {
      expect(pooled.input.episodes[t]).toBe(one[0]!.input.episodes[t] + one[1]!.input.episodes[t]);
      expect(pooled.detectors[t].f1BySeed).toEqual([one[0]!.detectors[t].f1, one[1]!.detectors[t].f1]);
    }
    // Spoofing's pooled recall is the two seeds' detected episodes over their episodes.
    const recalls = one.map((r) => r.detectors.spoofing.recall!);
    const eps = one.map((r) => r.input.episodes.spoofing - r.input.overrunEpisodes.spoofing);
    expect(pooled.detectors.spoofing.recall!).toBeCloseTo((recalls[0]! * eps[0]! + recalls[1]! * eps[1]!) / (eps[0]! + eps[1]!), 3);
    const progress: number[][] = [];
    const again = await runEvalSeeds({ seeds: [7, 8], episodes: 2, input: [], onSeedDone: (done, total) => progress.push([done, total]) });
    expect(JSON.stringify(again)).toBe(JSON.stringify(pooled));
    expect(progress).toEqual([[1, 2], [2, 2]]);
  }, 60_000);

  test("recordings: the clean recordings are scored once, not once a seed", async () => {
    const one = await runEvalDetectors({ seed: 3, episodes: 1, input: ["btcusdt_20240718.gz"] });
    const pooled = await runEvalSeeds({ seeds: [3, 4], episodes: 1, input: ["btcusdt_20240718.gz"] });
    expect(pooled.input.source).toBe("recordings");
    expect(pooled.input.cleanHours).toBe(one.input.cleanHours);
    expect(pooled.baseline.spoofing.falseAlarmsPerHour).toBe(one.baseline.spoofing.falseAlarmsPerHour);
  }, 60_000);

  test("the bootstrap interval brackets the pooled F1 and narrows with more seeds that agree as much", () => {
    const same = Array.from({ length: 10 }, () => counts(10, 9, 10, 9));
    expect(f1Interval(same, rng(1))).toEqual([0.9, 0.9]);
    const spread = [counts(10, 10, 10, 10), counts(10, 5, 10, 5), counts(10, 9, 10, 8), counts(10, 7, 10, 9)];
    const [lo, hi] = f1Interval(spread, rng(1))!;
    // Pooled F1 of the four: 0.787. Four seeds this far apart leave a wide interval around it...
    expect(lo).toBeLessThan(0.75);
    expect(hi).toBeGreaterThan(0.85);
    // ...the same spread over forty seeds (each resample 40 seeds, not one) a narrow one.
    const [lo40, hi40] = f1Interval(Array.from({ length: 10 }, () => spread).flat(), rng(1))!;
    expect(lo40).toBeGreaterThan(0.72);
    expect(hi40).toBeLessThan(0.85);
    expect(hi40 - lo40).toBeLessThan((hi - lo) / 2);
    expect(f1Interval([counts(0, 0, 0, 0)], rng(1))).toBeNull();
    // A resample drawing only the seed without episodes has no F1: it is left out, not counted as 0.
    const [loSparse] = f1Interval([counts(0, 0, 0, 0), counts(10, 9, 10, 9)], rng(1))!;
    expect(loSparse).toBe(0.9);
  });

  test("pooling sums every count, the clean alerts and hours, and takes the median over all delays", () => {
    const a: TypeCounts = { counts: { alerts: 10, matchedAlerts: 8, episodes: 12, detectedEpisodes: 8, delaysMs: [100, 300] }, cleanAlerts: 1, cleanHours: 0.5 };
    const b: TypeCounts = { counts: { alerts: 5, matchedAlerts: 5, episodes: 8, detectedEpisodes: 5, delaysMs: [200, 400, 500] }, cleanAlerts: 2, cleanHours: 1 };
    const pooled = poolCounts([a, b]);
    expect(pooled).toEqual({ counts: { alerts: 15, matchedAlerts: 13, episodes: 20, detectedEpisodes: 13, delaysMs: [100, 300, 200, 400, 500] }, cleanAlerts: 3, cleanHours: 1.5 });
    expect(metricsOf(pooled)).toEqual({ precision: 0.8667, recall: 0.65, f1: 0.7429, delayMsMedian: 300, falseAlarmsPerHour: 2 });
  });

  test("an empty seed list and bad episode counts are refused", async () => {
    await expect(runEvalSeeds({ seeds: [], episodes: 2, input: [] })).rejects.toThrow(/seeds is empty/);
    await expect(runEvalSeeds({ seeds: [1], episodes: 0, input: [] })).rejects.toThrow(/episodes=0/);
  });
});
