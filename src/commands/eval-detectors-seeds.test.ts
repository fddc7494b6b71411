import { describe, expect, test } from "bun:test";
import { rng } from "../../actors/analytics/random-events.ts";
import { INJECTABLE_TYPES } from "../../actors/surveillance/agents/inject.ts";
import type { TypeCounts } from "../../actors/surveillance/eval/evaluate.ts";
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
    expect(JSON.stringify(await runEvalSeeds({ seeds: [7, 8], episodes: 2, input: [] }))).toBe(JSON.stringify(pooled));
  }, 60_000);

  test("recordings: the clean recordings are scored once, not once a seed", async () => {
    const one = await runEvalDetectors({ seed: 3, episodes: 1, input: ["btcusdt_20240718.gz"] });
    const pooled = await runEvalSeeds({ seeds: [3, 4], episodes: 1, input: ["btcusdt_20240718.gz"] });
    expect(pooled.input.source).toBe("recordings");
    expect(pooled.input.cleanHours).toBe(one.input.cleanHours);
    expect(pooled.baseline.spoofing.falseAlarmsPerHour).toBe(one.baseline.spoofing.falseAlarmsPerHour);
  }, 60_000);

  test("the bootstrap interval brackets the pooled F1 and narrows with agreeing seeds", () => {
    const same = Array.from({ length: 10 }, () => counts(10, 9, 10, 9));
    expect(f1Interval(same, rng(1))).toEqual([0.9, 0.9]);
    const spread = [counts(10, 10, 10, 10), counts(10, 5, 10, 5), counts(10, 9, 10, 8), counts(10, 7, 10, 9)];
    const [lo, hi] = f1Interval(spread, rng(1))!;
    expect(lo).toBeLessThan(0.8);
    expect(hi).toBeGreaterThan(0.85);
    expect(lo).toBeGreaterThanOrEqual(0.5);
    expect(hi).toBeLessThanOrEqual(1);
    expect(f1Interval([counts(0, 0, 0, 0)], rng(1))).toBeNull();
  });

  test("no seed is refused", async () => {
    await expect(runEvalSeeds({ seeds: [], episodes: 2, input: [] })).rejects.toThrow(/seeds is empty/);
    await expect(runEvalSeeds({ seeds: [1], episodes: 0, input: [] })).rejects.toThrow(/episodes=0/);
  });
});
