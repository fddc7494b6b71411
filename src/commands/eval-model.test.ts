import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { meanNextKLabels } from "../../actors/inference/labels.ts";
import { readLobsterOrderbook } from "../../actors/inference/lobster.ts";
import { DEFAULT_MODEL_DIR, defaultModel } from "../../actors/inference/test-model.ts";
import { LABELS } from "../../actors/inference/model-metadata.ts";
import { sharedDataFile } from "../shared-data.ts";
import { evaluateModel } from "../../actors/inference/evaluate.ts";
import { recordedSessions, runEvalModel } from "./eval-model.ts";

const repoRoot = path.resolve(import.meta.dir, "../..");
const scratch = mkdtempSync(path.join(tmpdir(), "genesis-eval-model-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// The first 1,500 events of the LOBSTER GOOG day, copied to a scratch file (never into the repository).
const goog = sharedDataFile("lobster/LOBSTER_SampleFile_GOOG_2012-06-21_10/GOOG_2012-06-21_34200000_57600000_orderbook_10.csv");
const lobsterSlice = path.join(scratch, "GOOG_slice_orderbook_10.csv");
writeFileSync(lobsterSlice, readFileSync(goog, "utf8").split("\n").slice(0, 1500).join("\n"));
const recording = sharedDataFile("binance-usdm/hftbacktest/btcusdt_20240718.gz");

describe("genesis eval model", () => {
  test("scores every labelled window of a LOBSTER file, with the baselines", async () => {
    const model = await defaultModel();
    const report = await runEvalModel({ model: DEFAULT_MODEL_DIR, device: "cpu", input: [lobsterSlice] }, () => {});
    const { series } = readLobsterOrderbook(lobsterSlice, 10);
    const { k, alpha } = model.meta.horizon;
    const W = model.meta.windowEvents;
    expect(report.samples).toBe(series.length - W + 1 - k);
    expect(report.model).toBe(model.name);
    expect(report.horizon).toEqual({ k, alpha, method: "meanNextK" });
    // The majority baseline's accuracy is the share of its label among the scored windows.
    const labels = meanNextKLabels(series.mids(), k, alpha).subarray(W - 1, series.length - k);
    const majority = LABELS.indexOf(model.meta.baselines.majority.label);
    expect(report.baselines.majority.accuracy).toBeCloseTo(labels.filter((l) => l === majority).length / labels.length, 12);
    for (const s of [report, report.baselines.majority, report.baselines.logreg!]) {
      expect(s.accuracy).toBeGreaterThanOrEqual(0);
      expect(s.accuracy).toBeLessThanOrEqual(1);
      expect(s.macroF1).toBeGreaterThanOrEqual(0);
      expect(s.macroF1).toBeLessThanOrEqual(1);
    }
  }, 60_000);

  test("the CLI replays a recording through the pipeline and prints one JSON object", () => {
    const run = Bun.spawnSync([process.execPath, path.join(repoRoot, "src/main.ts"), "eval", "model", "--model", DEFAULT_MODEL_DIR, "--input", recording], { cwd: repoRoot });
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.toString().trim().split("\n");
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!);
    expect(Object.keys(report)).toEqual(["model", "samples", "horizon", "accuracy", "macroF1", "baselines"]);
    expect(Object.keys(report.baselines)).toEqual(["majority", "logreg"]);
    // 3,322 book updates in the recording, less a window and a horizon.
    expect(report.samples).toBeGreaterThan(2000);
    expect(report.samples).toBeLessThan(3322);
  }, 60_000);

  test("agrees with the trainer: the same events from the recordings, the same scores on its test period", async () => {
    const model = await defaultModel();
    // The trainer's held-out BTCUSDT 2024-07-18 session (models/README.md), built by Python from `genesis export`.
    const metrics = model.meta.raw.metrics as Record<string, { period: { rows: number }; test: { accuracy: number }; baselines: { majority: { accuracy: number }; logreg: { accuracy: number } } }>;
    const key = Object.keys(metrics).find((k) => k.startsWith("BTCUSDT 2024-07-18"));
    expect(key).toBeDefined();
    const trainer = metrics[key!]!;
    const files = ["btcusdt_20240718.gz", "btcusdt_20240719.gz"].map((f) => sharedDataFile(`binance-usdm/hftbacktest/${f}`));
    const sessions = await recordedSessions(files, model.meta, () => {});
    expect(sessions.map((s) => s.name)).toEqual(["BTCUSDT"]);
    expect(sessions[0]!.length).toBe(trainer.period.rows);
    // Every third window (the trainer scored 6,000 evenly spread ones): the scores agree within sampling noise.
    const report = await evaluateModel(model, sessions, { stride: 3 });
    expect(Math.abs(report.accuracy - trainer.test.accuracy)).toBeLessThan(0.03);
    expect(Math.abs(report.baselines.majority.accuracy - trainer.baselines.majority.accuracy)).toBeLessThan(0.03);
    expect(Math.abs(report.baselines.logreg!.accuracy - trainer.baselines.logreg.accuracy)).toBeLessThan(0.03);
  }, 60_000);

  test("a bad model path exits 2 naming --model", () => {
    const run = Bun.spawnSync([process.execPath, path.join(repoRoot, "src/main.ts"), "eval", "model", "--model", "/nonexistent", "--input", recording], { cwd: repoRoot });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.toString()).toContain("--model");
    expect(run.stderr.toString()).toContain("/nonexistent");
  });
});
