/**
 * DeepLOB inference on CPU through onnxruntime-node, the way the inference
 * actor runs it: the shipped model (models/default), one intra-op thread,
 * inputs built from real windows (BTCUSDT 2024-07-18 book updates through
 * the window transform), timed around `DeepLobModel.predict` (tensor,
 * session.run on a later turn of the event loop, result).
 *
 * - inference.cpu.p50_ms / p99_ms: one symbol's window (batch 1), 2,000 runs
 *   after 100 warm-up runs.
 * - inference.cpu.batch32_windows_per_s: batches of 32 windows (32 symbols
 *   due together), 200 runs after 20 warm-up runs.
 *
 * - inference.worker.p50_ms / p99_ms: the same windows through the model's
 *   worker thread, as the server runs it (copy, post, run, reply).
 * - inference.pipeline.sim.updates_per_s (and .bare_updates_per_s): the
 *   full-speed simulator pipeline (as pipeline.bench.ts, 200,000 frames,
 *   BTCUSDT + ETHUSDT, native features) with the inference actor at its
 *   defaults (every 10 events and 100 ms of feed time per symbol) and the
 *   model on its worker, next to the same run without it;
 *   inference.pipeline.sim.windows: predictions made.
 *
 * Run alone: `bun bench/run.ts inference`.
 */
import path from "node:path";
import { loadRecordedEvents } from "../actors/analytics/recorded-events.ts";
import { DeepLobModel } from "../actors/inference/model.ts";
import type { Classifier } from "../actors/inference/predictor.ts";
import { WorkerModel } from "../actors/inference/worker-model.ts";
import { RowWindow, writeBookRow } from "../actors/inference/window.ts";
import { nativeStatus } from "../actors/analytics/engine.ts";
import { GenesisSystem } from "../src/system.ts";
import { fullSpeedSim } from "./sim-system.ts";
import type { BookUpdate } from "../src/switchboard.ts";

interface BenchResult {
  bench: string;
  value: number;
  unit: string;
}

const MODEL_DIR = path.resolve(import.meta.dir, "../models/default");
const SINGLE_RUNS = 2000;
const BATCH = 32;
const BATCH_RUNS = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** `count` distinct real windows, transformed, back to back. */
async function realWindows(model: DeepLobModel, count: number): Promise<Float32Array> {
  const { events } = await loadRecordedEvents("btcusdt_20240718.gz");
  const books = events.filter((e): e is BookUpdate => e.kind === "book");
  const window = new RowWindow(model.meta.windowEvents, model.meta.levels);
  const row = new Float64Array(window.width);
  const out = new Float32Array(count * model.inputSize);
  let filled = 0;
  for (const b of books) {
    if (!writeBookRow(b.topBidPrice, b.topBidQty, b.topAskPrice, b.topAskQty, model.meta.levels, row, 0)) continue;
    window.push(row);
    if (!window.full || window.pushed % 10 !== 0) continue;
    window.writeInput(model.meta, out, filled * model.inputSize);
    if (++filled === count) return out;
  }
  throw new Error(`inference bench: only ${filled} windows in the recording, wanted ${count}`);
}

/** Book updates per second through the whole sim pipeline, with or without the model; and the windows predicted. */
async function pipeline(model: Classifier | null): Promise<{ updatesPerS: number; windows: number }> {
  const system = new GenesisSystem({ ...fullSpeedSim(nativeStatus().available ? "native" : "ts", 200_000), inference: model ? { model } : undefined });
  const done = system.finished();
  const startNs = Bun.nanoseconds();
  system.start();
  await done;
  await system.inferenceIdle();
  const seconds = (Bun.nanoseconds() - startNs) / 1e9;
  const updates = system.counters().book.bookUpdates;
  const windows = system.inferenceCounters()?.windows ?? 0;
  system.stop();
  return { updatesPerS: updates / seconds, windows };
}

/** Sorted milliseconds of SINGLE_RUNS one-window predictions, after 100 warm-up runs. */
async function singleWindowMs(model: Classifier, windows: Float32Array): Promise<number[]> {
  const times: number[] = [];
  for (let i = -100; i < SINGLE_RUNS; i++) {
    const at = ((i + 100) % BATCH) * model.inputSize;
    const input = windows.subarray(at, at + model.inputSize);
    const t0 = Bun.nanoseconds();
    await model.predict(input, 1);
    if (i >= 0) times.push((Bun.nanoseconds() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

export async function run(): Promise<BenchResult[]> {
  const model = await DeepLobModel.load(MODEL_DIR, { device: "cpu", threads: 1 });
  const windows = await realWindows(model, BATCH);
  const single = await singleWindowMs(model, windows);
  for (let i = 0; i < 20; i++) await model.predict(windows, BATCH);
  const t0 = Bun.nanoseconds();
  for (let i = 0; i < BATCH_RUNS; i++) await model.predict(windows, BATCH);
  const batchS = (Bun.nanoseconds() - t0) / 1e9;
  await model.dispose();
  const worker = await WorkerModel.load(MODEL_DIR, { device: "cpu", threads: 1 });
  const viaWorker = await singleWindowMs(worker, windows);
  await pipeline(null); // warm-up
  const bare = await pipeline(null);
  const withModel = await pipeline(worker);
  await worker.dispose();
  return [
    { bench: "inference.cpu.p50_ms", value: Number(percentile(single, 0.5).toFixed(3)), unit: "ms" },
    { bench: "inference.cpu.p99_ms", value: Number(percentile(single, 0.99).toFixed(3)), unit: "ms" },
    { bench: "inference.cpu.batch32_windows_per_s", value: Math.round((BATCH * BATCH_RUNS) / batchS), unit: "windows/s" },
    { bench: "inference.worker.p50_ms", value: Number(percentile(viaWorker, 0.5).toFixed(3)), unit: "ms" },
    { bench: "inference.worker.p99_ms", value: Number(percentile(viaWorker, 0.99).toFixed(3)), unit: "ms" },
    { bench: "inference.pipeline.sim.updates_per_s", value: Math.round(withModel.updatesPerS), unit: "book updates/s" },
    { bench: "inference.pipeline.sim.bare_updates_per_s", value: Math.round(bare.updatesPerS), unit: "book updates/s" },
    { bench: "inference.pipeline.sim.windows", value: withModel.windows, unit: "windows" },
  ];
}
