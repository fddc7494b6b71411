/**
 * The system the pipeline benches run: BTCUSDT and ETHUSDT from the market
 * simulator (seed 7, a fixed start time) at full speed, no pacing and no
 * status ticks, so their figures are comparable with each other.
 */
import type { SystemConfig } from "../src/system.ts";
import type { Engine } from "../src/switchboard.ts";

export const BENCH_SYMBOLS = ["BTCUSDT", "ETHUSDT"];

/** The benches' simulator system for `maxFrames` frames; callers add recorder or inference. */
export function fullSpeedSim(engine: Engine, maxFrames: number): SystemConfig {
  return {
    mode: "sim",
    symbols: BENCH_SYMBOLS,
    engine,
    statusIntervalMs: 0,
    feed: { mode: "sim", symbols: BENCH_SYMBOLS, seed: 7, paced: false, maxFrames, chunkFrames: 1024, startTsMs: 1_767_225_600_000 },
  };
}
