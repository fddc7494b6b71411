/**
 * False alarms on clean real recordings (Binance USDT-M, 2024-07-18/19 and
 * 2023-04-04/05, BTCUSDT and ETHUSDT): alerts scoring >= 50 per hour of
 * exchange time. The budget is 1 an hour; the files hold 23 minutes, so
 * not one alert may score >= 50 (see docs/surveillance.md for the measured
 * figures). Files without a REST snapshot are rebuilt from
 * diffs and their first 30 s are skipped. The 2024 files are also read
 * chained, as `eval detectors --input` reads them (each symbol's two files
 * one stream from its snapshot): none there either. Chained on 2023-04-04's
 * snapshot, the 2023-04-05 file has one alert >= 50 (00:00:59, a bid the
 * rally left 59 ticks behind): this test does not read that chain, the
 * README and docs/surveillance.md ("real 2023") report it.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { loadRecordedEvents, recordingPath } from "../analytics/recorded-events.ts";
import type { MarketEvent, SymbolSpec } from "../../src/switchboard.ts";
import type { Alert } from "./alert.ts";
import { createBaselineEngine } from "./baseline.ts";
import { loadDiffOnlyEvents } from "./diff-recording.ts";
import { createSurveillanceEngine } from "./engine.ts";
import { detect } from "./eval/evaluate.ts";
import { loadRecordingStreams } from "./eval/recordings.ts";

const WITH_SNAPSHOT = ["btcusdt_20240718.gz", "ethusdt_20240718.gz", "btcusdt_20230404.dat.gz"];
const DIFF_ONLY = ["btcusdt_20240719.gz", "ethusdt_20240719.gz", "btcusdt_20230405.dat.gz"];
const WARMUP_MS = 30_000;
const available = [...WITH_SNAPSHOT, ...DIFF_ONLY].every((f) => existsSync(recordingPath(f)));

interface Run {
  file: string;
  hours: number;
  alerts: Alert[];
  baseline: Alert[];
}

async function runFile(file: string): Promise<Run> {
  const { spec, events }: { spec: SymbolSpec; events: MarketEvent[] } = WITH_SNAPSHOT.includes(file) ? await loadRecordedEvents(file) : await loadDiffOnlyEvents(file);
  const from = events[0]!.exchTsMs + (WITH_SNAPSHOT.includes(file) ? 0 : WARMUP_MS);
  const engine = createSurveillanceEngine(spec);
  const alerts = [...engine.process(events), ...engine.flush()].filter((a) => a.tsEnd >= from);
  const baseline = createBaselineEngine(spec).process(events).filter((a) => a.tsEnd >= from);
  return { file, hours: (events.at(-1)!.exchTsMs - from) / 3.6e6, alerts, baseline };
}

describe.skipIf(!available)("clean real recordings", () => {
  test("no alert scores >= 50 (the budget is 1 an hour; these are 23 minutes); far fewer than the old heuristics", async () => {
    const runs: Run[] = [];
    for (const file of [...WITH_SNAPSHOT, ...DIFF_ONLY]) runs.push(await runFile(file));
    const hours = runs.reduce((s, r) => s + r.hours, 0);
    const high = runs.flatMap((r) => r.alerts.filter((a) => a.score >= 50));
    const baseline = runs.reduce((s, r) => s + r.baseline.length, 0);
    console.log(`clean data: ${(hours * 60).toFixed(1)} min, ${high.length} alerts >= 50 (${(high.length / hours).toFixed(1)}/h): ${high.map((a) => a.id).join(", ")}; baseline ${baseline} (${(baseline / hours).toFixed(0)}/h)`);
    // ~23 minutes of data: a single alert would already be 2.6/h, above the 1-per-hour budget.
    expect(high.length).toBe(0);
    expect(baseline).toBeGreaterThan(20 * Math.max(1, high.length));
    for (const r of runs) {
      for (const a of r.alerts) {
        expect(a.tsEnd).toBeGreaterThanOrEqual(a.tsStart);
        expect(a.id).toBe(`${a.symbol}:${a.type}:${a.side}:${a.tsStart}`);
        expect(a.explanation.length).toBeGreaterThan(20);
      }
      expect(new Set(r.alerts.map((a) => a.id)).size).toBe(r.alerts.length);
    }
  }, 120_000);

  test("the 2024 files chained as the eval reads them (one stream a symbol from its snapshot, the clock ticking between events): no alert >= 50", async () => {
    const streams = await loadRecordingStreams(["btcusdt_20240718.gz", "btcusdt_20240719.gz", "ethusdt_20240718.gz", "ethusdt_20240719.gz"].map(recordingPath));
    expect(streams.map((s) => s.spec.symbol).sort()).toEqual(["BTCUSDT", "ETHUSDT"]);
    const minutes = streams.reduce((m, s) => m + (s.events.at(-1)!.exchTsMs - s.events[0]!.exchTsMs) / 60_000, 0);
    expect(minutes).toBeGreaterThan(15);
    const high = streams.flatMap((s) => detect((spec) => createSurveillanceEngine(spec), s.spec, s.events));
    expect(high.map((d) => d.alert.id)).toEqual([]);
  }, 120_000);

  test("a replay yields the same alerts (stable ids), batch size does not matter", async () => {
    const { spec, events } = await loadRecordedEvents("btcusdt_20230404.dat.gz");
    const whole = createSurveillanceEngine(spec).process(events);
    const chunked = createSurveillanceEngine(spec);
    const pieces: Alert[] = [];
    for (let i = 0; i < events.length; i += 37) pieces.push(...chunked.process(events.slice(i, i + 37)));
    expect(pieces).toEqual(whole);
  }, 60_000);
});
