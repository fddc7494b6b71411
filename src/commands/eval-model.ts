/**
 * `genesis eval model [--model PATH] --input FILES`: replays recordings at
 * full speed through the same feed and book actors as the server (LOBSTER
 * order-book CSV files are read directly), builds one session of raw book
 * rows per symbol (stale, one-sided and crossed books skipped, as the
 * server and the trainer do), and prints one JSON object: the model's
 * accuracy and macro-F1 on every window, next to the majority-class and
 * logistic-regression baselines from the model's metadata.
 */
import os from "node:os";
import { evaluateModel, type ModelEvalReport } from "../../actors/inference/evaluate.ts";
import { isLobsterOrderbook, readLobsterOrderbook } from "../../actors/inference/lobster.ts";
import { type ModelMetadata, ROW_WIDTH_PER_LEVEL } from "../../actors/inference/model-metadata.ts";
import { marketRow } from "../../actors/inference/predictor.ts";
import { RowSeries } from "../../actors/inference/row-series.ts";
import { writeBookRow } from "../../actors/inference/window.ts";
import type { EvalModelOptions } from "../cli.ts";
import { GenesisSystem } from "../system.ts";
import { chooseEngine } from "./engine-choice.ts";
import { loadChosenModel } from "./model-choice.ts";
import { replaySource } from "./market-source.ts";

export async function runEvalModel(options: Omit<EvalModelOptions, "command">, log: (line: string) => void = (l) => console.error(l)): Promise<ModelEvalReport> {
  // Offline: let onnxruntime use every core.
  const model = await loadChosenModel(options.model, { device: options.device, threads: Math.max(1, os.cpus().length) });
  try {
    const lobster = options.input.filter(isLobsterOrderbook);
    const recordings = options.input.filter((f) => !isLobsterOrderbook(f));
    const sessions: RowSeries[] = [];
    for (const file of lobster) {
      const { series, skipped } = readLobsterOrderbook(file, model.meta.levels);
      if (skipped > 0) log(`genesis eval model: ${file}: skipped ${skipped} rows (empty side or crossed book)`);
      sessions.push(series);
    }
    if (recordings.length > 0) sessions.push(...(await recordedSessions(recordings, model.meta, log)));
    return await evaluateModel(model, sessions);
  } finally {
    await model.dispose();
  }
}

/** One session per symbol over all the recordings, in replay order. */
export async function recordedSessions(files: string[], meta: ModelMetadata, log: (line: string) => void): Promise<RowSeries[]> {
  const source = await replaySource(files, undefined, "max");
  // Only the books are read; the features computed on the way cost least in the native engine.
  const system = new GenesisSystem({ mode: "replay", symbols: source.symbols, engine: chooseEngine("native"), feed: source.feed, specs: source.specs, statusIntervalMs: 0 });
  const width = meta.levels * ROW_WIDTH_PER_LEVEL;
  const sessions = new Map<string, RowSeries>();
  let skipped = 0;
  system.fanout.listen((items) => {
    for (const item of items) {
      if (item.kind !== "book") continue;
      let series = sessions.get(item.symbol);
      if (!series) sessions.set(item.symbol, (series = new RowSeries(item.symbol, width, 1 << 14)));
      const { rows, offset } = series.slot();
      if (!item.stale && writeBookRow(item.topBidPrice, item.topBidQty, item.topAskPrice, item.topAskQty, meta.levels, rows, offset) && marketRow(rows, offset, width)) series.commit();
      else skipped++;
    }
  });
  const done = system.finished();
  system.start();
  await done;
  system.stop();
  if (skipped > 0) log(`genesis eval model: skipped ${skipped} book updates (stale, one-sided or crossed)`);
  return [...sessions.values()];
}

export async function printEvalModel(options: EvalModelOptions): Promise<void> {
  process.stdout.write(`${JSON.stringify(await runEvalModel(options))}\n`);
}
