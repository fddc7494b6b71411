/**
 * Replay at `--speed max` on one thread, on the shared BTCUSDT hftbacktest
 * recordings (btcusdt_20240718.gz + btcusdt_20240719.gz: 71,984 frames, of
 * which 9,022 depth diffs carrying 400,859 level changes, 10,701 trades,
 * 52,260 bookTickers and one REST snapshot), gunzipped and split into frames
 * up front, all in memory.
 *
 * - replay.decode.json_parse.msgs_per_s: decodeFrame (JSON.parse) on the depth frames only.
 * - replay.decode.fast.msgs_per_s: fastDecodeFrame on the same frames.
 * - replay.btcusdt.depth_msgs_per_s / level_updates_per_s: the issue's
 *   figure: every frame decoded (fastDecodeFrame), depth and snapshots into
 *   a SymbolBook, trades converted, and the events fed to the feature engine
 *   (native when built, else TypeScript) in batches of 256; per second of
 *   the whole run, counting depth messages and their level changes.
 * - replay.btcusdt.json_parse.depth_msgs_per_s: the same path through decodeFrame.
 * - replay.btcusdt.decode_book.depth_msgs_per_s: decode + book, no features
 *   (the difference to the full path is the feature engine's share).
 *
 * Median of 7 rounds after a warm-up round. Run alone: `bun bench/run.ts replay`.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { BenchResult } from "./run.ts";
import { createFeatureEngine, nativeStatus, type FeatureEngine } from "../actors/analytics/engine.ts";
import { decodeFrame, type DecodedMsg } from "../actors/book/binance-decode.ts";
import { fastDecodeFrame } from "../actors/book/fast-decode.ts";
import { SymbolBook } from "../actors/book/symbol-book.ts";
import { sharedDataFile } from "../src/shared-data.ts";
import type { MarketEvent, RawFrame } from "../src/switchboard.ts";
import { specFor } from "../src/symbols.ts";

const SYMBOL = "BTCUSDT";
const FILES = ["btcusdt_20240718.gz", "btcusdt_20240719.gz"];
const ROUNDS = 7;
const BATCH = 256;

type Decode = (text: string, symbolHint?: string) => DecodedMsg;

/** Every line as a RawFrame: `<recv_ns> <json>`, receive time in ms. */
function loadFrames(): RawFrame[] {
  const frames: RawFrame[] = [];
  for (const file of FILES) {
    const text = gunzipSync(readFileSync(sharedDataFile(`binance-usdm/hftbacktest/${file}`))).toString("utf8");
    for (const line of text.split("\n")) {
      const space = line.indexOf(" ");
      if (space < 0) continue;
      frames.push({ localTsMs: Number(line.slice(0, space)) / 1e6, text: line.slice(space + 1) });
    }
  }
  return frames;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/** Median seconds of `ROUNDS` runs of `body` after one warm-up run. */
function timeRounds(body: () => void): number {
  const seconds: number[] = [];
  for (let round = -1; round < ROUNDS; round++) {
    const t0 = Bun.nanoseconds();
    body();
    if (round >= 0) seconds.push((Bun.nanoseconds() - t0) / 1e9);
  }
  return median(seconds);
}

/** Decode only; the level count is checked so the work cannot be skipped. */
function timeDecode(decode: Decode, texts: readonly string[], expectedLevels: number): number {
  return timeRounds(() => {
    let levels = 0;
    for (let i = 0; i < texts.length; i++) {
      const msg = decode(texts[i]!);
      if (msg.kind === "depth") levels += msg.levels.prices.length;
    }
    if (levels !== expectedLevels) throw new Error(`replay bench: decoded ${levels} levels, expected ${expectedLevels}`);
  });
}

interface PathCounts {
  depth: number;
  bookUpdates: number;
  featureRows: number;
}

/** One replay of every frame: decode, book, and (unless `engine` is null) features per batch. */
function replayOnce(decode: Decode, frames: readonly RawFrame[], engine: FeatureEngine | null): PathCounts {
  const spec = specFor(SYMBOL)!;
  const book = new SymbolBook(
    spec,
    () => {},
    (gap) => {
      throw new Error(`replay bench: unexpected gap ${JSON.stringify(gap)}`);
    },
  );
  engine?.reset();
  const counts: PathCounts = { depth: 0, bookUpdates: 0, featureRows: 0 };
  let batch: MarketEvent[] = [];
  const flush = () => {
    counts.bookUpdates += batch.reduce((n, event) => n + (event.kind === "book" ? 1 : 0), 0);
    if (engine) counts.featureRows += engine.process(batch).length;
    batch = [];
  };
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    const msg = decode(frame.text, SYMBOL);
    if (msg.kind === "depth") {
      counts.depth++;
      book.onDiff(msg, frame.localTsMs, batch);
    } else if (msg.kind === "trade") {
      batch.push(book.trade(msg, frame.localTsMs));
    } else if (msg.kind === "snapshot") {
      book.onSnapshot(msg, frame.localTsMs, batch);
    }
    if (batch.length >= BATCH) flush();
  }
  flush();
  if (engine && counts.featureRows !== counts.bookUpdates) {
    throw new Error(`replay bench: ${counts.featureRows} feature rows for ${counts.bookUpdates} book updates`);
  }
  return counts;
}

export async function run(): Promise<BenchResult[]> {
  const frames = loadFrames();
  const depthTexts = frames.map((frame) => frame.text).filter((text) => decodeFrame(text).kind === "depth");
  let levels = 0;
  for (const text of depthTexts) levels += (decodeFrame(text) as { levels: { prices: Float64Array } }).levels.prices.length;

  const jsonSeconds = timeDecode(decodeFrame, depthTexts, levels);
  const fastSeconds = timeDecode(fastDecodeFrame, depthTexts, levels);

  const engineKind = nativeStatus().available ? "native" : "ts";
  const engine = createFeatureEngine(engineKind, specFor(SYMBOL)!);
  const expected = replayOnce(decodeFrame, frames, engine);
  if (expected.depth !== depthTexts.length || expected.bookUpdates < depthTexts.length * 0.9) {
    throw new Error(`replay bench: ${expected.depth} depth messages, ${expected.bookUpdates} book updates`);
  }
  const check = (counts: PathCounts) => {
    if (counts.depth !== expected.depth || counts.bookUpdates !== expected.bookUpdates) throw new Error(`replay bench: counts differ ${JSON.stringify(counts)}`);
  };
  const fullSeconds = timeRounds(() => check(replayOnce(fastDecodeFrame, frames, engine)));
  const jsonFullSeconds = timeRounds(() => check(replayOnce(decodeFrame, frames, engine)));
  const bookSeconds = timeRounds(() => check(replayOnce(fastDecodeFrame, frames, null)));
  engine.dispose();

  const depth = depthTexts.length;
  const perS = (count: number, seconds: number) => Math.round(count / seconds);
  return [
    { bench: "replay.decode.json_parse.msgs_per_s", value: perS(depth, jsonSeconds), unit: "depth msgs/s" },
    { bench: "replay.decode.fast.msgs_per_s", value: perS(depth, fastSeconds), unit: "depth msgs/s" },
    { bench: "replay.btcusdt.depth_msgs_per_s", value: perS(depth, fullSeconds), unit: `depth msgs/s (decode+book+features, ${engineKind})` },
    { bench: "replay.btcusdt.level_updates_per_s", value: perS(levels, fullSeconds), unit: `level updates/s (decode+book+features, ${engineKind})` },
    { bench: "replay.btcusdt.json_parse.depth_msgs_per_s", value: perS(depth, jsonFullSeconds), unit: `depth msgs/s (decodeFrame+book+features, ${engineKind})` },
    { bench: "replay.btcusdt.decode_book.depth_msgs_per_s", value: perS(depth, bookSeconds), unit: "depth msgs/s (decode+book, no features)" },
  ];
}
