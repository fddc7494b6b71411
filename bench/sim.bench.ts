/**
 * Market simulator throughput at full speed (MarketSimulator.next in the
 * sim driver's 512-frame chunks, default symbols and rate).
 *
 * - sim.frames_per_s: frames generated per second, text as produced.
 * - sim.frames_per_s_flat: the same, also reading each text's last character,
 *   which makes the engine flatten the concatenated string as any consumer
 *   (JSON.parse, a socket write) will: the honest upper bound for the feed.
 * - sim.snapshot_us: one 1000-level REST snapshot (text) per symbol.
 *
 * Median of 5 rounds after a warm-up. Run alone: `bun bench/sim.bench.ts`.
 */
import { MarketSimulator } from "../actors/feed/sim/market-simulator.ts";
import { DEFAULT_SYMBOLS } from "../src/symbols.ts";

interface BenchResult {
  bench: string;
  value: number;
  unit: string;
}

const CHUNK_FRAMES = 512;
const ROUND_FRAMES = CHUNK_FRAMES * 2_000;
const ROUNDS = 5;

function framesPerSecond(sim: MarketSimulator, flatten: boolean): number {
  let sink = 0;
  const t0 = performance.now();
  for (let produced = 0; produced < ROUND_FRAMES; produced += CHUNK_FRAMES) {
    const frames = sim.next(CHUNK_FRAMES);
    if (flatten) for (let i = 0; i < frames.length; i++) sink += frames[i]!.text.charCodeAt(frames[i]!.text.length - 1);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (flatten && sink !== 125 * ROUND_FRAMES) throw new Error(`sim bench: frames do not all end with "}" (checksum ${sink})`);
  return ROUND_FRAMES / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

export async function run(): Promise<BenchResult[]> {
  const sim = new MarketSimulator({ symbols: DEFAULT_SYMBOLS, seed: 1, startTsMs: 1_736_000_000_000 });
  framesPerSecond(sim, false); // warm-up: JIT and caches
  const raw: number[] = [];
  const flat: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    raw.push(framesPerSecond(sim, false));
    flat.push(framesPerSecond(sim, true));
  }
  const snapshotRepeats = 200;
  const t0 = performance.now();
  for (let i = 0; i < snapshotRepeats; i++) for (const symbol of DEFAULT_SYMBOLS) sim.depthSnapshot(symbol, 1000);
  const snapshotUs = ((performance.now() - t0) * 1000) / (snapshotRepeats * DEFAULT_SYMBOLS.length);
  return [
    { bench: "sim.frames_per_s", value: Math.round(median(raw)), unit: "frames/s" },
    { bench: "sim.frames_per_s_flat", value: Math.round(median(flat)), unit: "frames/s" },
    { bench: "sim.snapshot_us", value: Math.round(snapshotUs), unit: "us" },
  ];
}

if (import.meta.main) console.table(await run());
