/**
 * readRecording throughput on the shared BTCUSDT hftbacktest recordings (the
 * four files, 2023 and 2024 day pairs: 145,749 frames), streamed from disk:
 * gunzip, line split, receive-time parse, snapshot attribution and the
 * merge by time; no decoding. Median of 5 rounds after a warm-up.
 * Run alone: `bun bench/run.ts recordings`.
 */
import type { BenchResult } from "./run.ts";
import { sharedDataFile } from "../src/shared-data.ts";
import { readRecording } from "../actors/feed/recordings/read.ts";

const FILES = ["btcusdt_20230404.dat.gz", "btcusdt_20230405.dat.gz", "btcusdt_20240718.gz", "btcusdt_20240719.gz"];
const ROUNDS = 5;

export async function run(): Promise<BenchResult[]> {
  const paths = FILES.map((name) => sharedDataFile(`binance-usdm/hftbacktest/${name}`));
  const rates: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const t0 = performance.now();
    let frames = 0;
    for await (const batch of readRecording(paths)) frames += batch.length;
    const seconds = (performance.now() - t0) / 1000;
    if (round > 0) rates.push(frames / seconds);
  }
  rates.sort((a, b) => a - b);
  return [{ bench: "recordings.read.btcusdt.frames_per_s", value: Math.round(rates[Math.floor(rates.length / 2)]!), unit: "/s" }];
}
