/**
 * Live path latency, from a websocket frame's receipt to its event being
 * written to an SSE stream: Genesis in live mode (in this process, with its
 * real web server) against the test exchange replaying the BTCUSDT and
 * ETHUSDT recordings of 2024-07-18/19 at 4x recorded speed (a separate
 * process), with one SSE client (curl, another process) taking every book,
 * features and trade event. Samples come from the same hook that feeds the
 * `genesis_frame_to_sse_seconds` histogram.
 */
import path from "node:path";
import { GenesisSystem } from "../src/system.ts";
import { createWebApp } from "../views/app.ts";
import { sharedDataFile } from "../src/shared-data.ts";
import { nativeStatus } from "../actors/analytics/engine.ts";
import type { BenchResult } from "./run.ts";

const MEASURE_MS = 12_000;
const root = path.resolve(import.meta.dir, "..");

export async function run(): Promise<BenchResult[]> {
  const files = ["btcusdt_20240718.gz", "btcusdt_20240719.gz", "ethusdt_20240718.gz", "ethusdt_20240719.gz"].map((f) => sharedDataFile(`binance-usdm/hftbacktest/${f}`));
  const exchange = Bun.spawn([process.execPath, path.join(root, "src/test-exchange/main.ts"), "--input", files.join(","), "--port", "0", "--speed", "4"], { stdout: "pipe", stderr: "ignore" });
  const reader = exchange.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error("test exchange did not start");
    text += new TextDecoder().decode(chunk.value);
  }
  const { wsBase, restBase } = JSON.parse(text.slice(0, text.indexOf("\n"))) as { wsBase: string; restBase: string };

  const symbols = ["BTCUSDT", "ETHUSDT"];
  const system = new GenesisSystem({
    mode: "live",
    symbols,
    engine: nativeStatus().available ? "native" : "ts",
    feed: { mode: "live", symbols, wsBase, restBase, depthSpeed: "0ms" },
  }).start();
  const samplesMs: number[] = [];
  let recording = false;
  const app = createWebApp({
    mode: "live",
    symbols,
    featureNames: system.featureNames,
    fanout: system.fanout,
    health: () => ({ status: "ok", mode: "live", actors: system.actorStates() }),
    metricsText: () => "",
    observeSseLatencyMs: (ms) => {
      if (recording) samplesMs.push(ms);
    },
  });
  app.listen({ hostname: "127.0.0.1", port: 0 });
  const client = Bun.spawn(["curl", "-sN", `http://127.0.0.1:${app.server!.port}/sse?events=book,features,trade`], { stdout: "ignore", stderr: "ignore" });
  await Bun.sleep(3000); // connect, first snapshot, warm-up
  recording = true;
  await Bun.sleep(MEASURE_MS);
  recording = false;
  client.kill();
  exchange.kill();
  system.stop();
  await app.stop(true);
  if (samplesMs.length < 100) throw new Error(`live latency: only ${samplesMs.length} samples`);
  samplesMs.sort((a, b) => a - b);
  const quantile = (q: number) => samplesMs[Math.min(samplesMs.length - 1, Math.floor(q * samplesMs.length))]!;
  return [
    { bench: "live.frame_to_sse.p50_ms", value: round(quantile(0.5)), unit: "ms" },
    { bench: "live.frame_to_sse.p99_ms", value: round(quantile(0.99)), unit: "ms" },
    { bench: "live.frame_to_sse.max_ms", value: round(samplesMs.at(-1)!), unit: "ms" },
    { bench: "live.frame_to_sse.samples", value: samplesMs.length, unit: "events" },
  ];
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
