/**
 * The whole pipeline at full speed on the simulator, no pacing: feed ->
 * book -> analytics -> hub, through the real XState system. Measured with no
 * subscriber and with one in-process subscriber that takes every event (so
 * every event is serialised to JSON, as for an SSE client).
 */
import type { BenchResult } from "./run.ts";
import { nativeStatus } from "../actors/analytics/engine.ts";
import type { HubMessage } from "../actors/hub/fanout.ts";
import { GenesisSystem } from "../src/system.ts";
import { fullSpeedSim } from "./sim-system.ts";
import type { Engine } from "../src/switchboard.ts";

const FRAMES = 400_000;

async function measure(engine: Engine, withSubscriber: boolean): Promise<{ updatesPerS: number; framesPerS: number }> {
  const system = new GenesisSystem(fullSpeedSim(engine, FRAMES));
  let received = 0;
  if (withSubscriber) {
    system.fanout.subscribe({
      symbols: null,
      events: new Set(["book", "features", "trade"]),
      deliver: (message: HubMessage) => {
        received += message.data.length > 0 ? 1 : 0;
        return true;
      },
      close: () => {},
    });
  }
  const done = system.finished();
  const startNs = Bun.nanoseconds();
  system.start();
  await done;
  const seconds = (Bun.nanoseconds() - startNs) / 1e9;
  const counters = system.counters();
  system.stop();
  if (counters.book.bookUpdates === 0 || (withSubscriber && received === 0)) throw new Error("pipeline produced nothing");
  return { updatesPerS: counters.book.bookUpdates / seconds, framesPerS: counters.book.frames / seconds };
}

export async function run(): Promise<BenchResult[]> {
  const engine: Engine = nativeStatus().available ? "native" : "ts";
  await measure(engine, false); // warm-up: JIT and native library load
  const bare = await measure(engine, false);
  const subscribed = await measure(engine, true);
  return [
    { bench: "pipeline.sim.updates_per_s", value: Math.round(bare.updatesPerS), unit: "book updates/s" },
    { bench: "pipeline.sim.frames_per_s", value: Math.round(bare.framesPerS), unit: "frames/s" },
    { bench: "pipeline.sim.with_subscriber.updates_per_s", value: Math.round(subscribed.updatesPerS), unit: "book updates/s" },
  ];
}
