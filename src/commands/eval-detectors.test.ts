import { describe, expect, test } from "bun:test";
import { INJECTABLE_TYPES } from "../../actors/surveillance/agents/inject.ts";
import { episodeTypes, runEvalDetectors } from "./eval-detectors.ts";

const KEYS = ["precision", "recall", "f1", "delayMsMedian", "falseAlarmsPerHour"];

function checkShape(report: any): void {
  expect(Object.keys(report).sort()).toEqual(["baseline", "detectors", "detectorsCountingOverrun", "input"]);
  for (const group of [report.detectors, report.detectorsCountingOverrun, report.baseline]) {
    expect(Object.keys(group)).toEqual([...INJECTABLE_TYPES]);
    for (const type of INJECTABLE_TYPES) {
      expect(Object.keys(group[type])).toEqual(KEYS);
      for (const key of KEYS) {
        const v = group[type][key];
        expect(v === null || Number.isFinite(v)).toBe(true);
      }
    }
  }
}

describe("genesis eval detectors", () => {
  test("episode types are a seeded shuffle with the same counts", () => {
    const a = episodeTypes(1, 4);
    expect(a.length).toBe(20);
    for (const t of INJECTABLE_TYPES) expect(a.filter((x) => x === t).length).toBe(4);
    expect(episodeTypes(1, 4)).toEqual(a);
    expect(episodeTypes(2, 4)).not.toEqual(a);
  });

  test("simulated: the issue's JSON shape, deterministic", async () => {
    const report = await runEvalDetectors({ seed: 7, episodes: 2, input: [] });
    checkShape(report);
    expect(report.input.source).toBe("simulated");
    expect(report.input.episodes).toEqual({ spoofing: 2, layering: 2, quote_stuffing: 2, momentum_ignition: 2, wash_trading: 2 });
    expect(report.input.cleanHours).toBeGreaterThan(0);
    expect(JSON.stringify(await runEvalDetectors({ seed: 7, episodes: 2, input: [] }))).toBe(JSON.stringify(report));
  }, 30_000);

  test("recordings: episodes injected over several passes when they do not fit one", async () => {
    const report = await runEvalDetectors({ seed: 3, episodes: 5, input: ["btcusdt_20240718.gz"] });
    checkShape(report);
    expect(report.input.source).toBe("recordings");
    const total = Object.values(report.input.episodes).reduce((a, b) => a + b, 0);
    expect(total).toBe(25); // more than one recording holds: two passes
    expect(report.input.injectedHours).toBeGreaterThan(report.input.cleanHours);
  }, 30_000);

  test("bad options are refused with their values", async () => {
    await expect(runEvalDetectors({ seed: 1, episodes: 0, input: [] })).rejects.toThrow(/episodes=0/);
  });
});
