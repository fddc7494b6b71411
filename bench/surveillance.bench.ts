/**
 * Surveillance engine cost per book update on the real Binance recording
 * btcusdt_20240718 (3,322 book updates of ~23 level changes, 974 trades):
 * lifecycle inference plus every detector, around `process()` in batches of
 * 64 events, trades included in the time. Median of 7 rounds after a
 * warm-up round, each from a fresh engine (constructed outside the timing).
 *
 * - surveillance.ts.ns_per_update: the TypeScript engine (target < 1000).
 * - surveillance.ts.lifecycle_ns_per_update: the lifecycle inference alone.
 * - surveillance.ts.eth_ns_per_update: the same on ethusdt_20240718.
 */
import type { MarketEvent } from "../src/switchboard.ts";
import { loadRecordedEvents } from "../actors/analytics/recorded-events.ts";
import { createSurveillanceEngine } from "../actors/surveillance/engine.ts";
import { Lifecycle } from "../actors/surveillance/lifecycle.ts";
import { DEFAULT_PARAMS } from "../actors/surveillance/params.ts";
import type { BenchResult } from "./run.ts";

const ROUNDS = 7;
const BATCH = 64;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1]!;
}

/** `prepare` (engine construction, a one-off per symbol) is outside the timed region. */
function timeRounds(events: MarketEvent[], prepare: () => () => void): number {
  const updates = events.filter((e) => e.kind === "book").length;
  const ns: number[] = [];
  for (let round = -1; round < ROUNDS; round++) {
    const once = prepare();
    const t0 = Bun.nanoseconds();
    once();
    if (round >= 0) ns.push((Bun.nanoseconds() - t0) / updates);
  }
  return median(ns);
}

function engineNs(events: MarketEvent[], spec: Parameters<typeof createSurveillanceEngine>[0]): number {
  const batches: MarketEvent[][] = [];
  for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
  return timeRounds(events, () => {
    const engine = createSurveillanceEngine(spec);
    return () => {
      for (const b of batches) engine.process(b);
    };
  });
}

export async function run(): Promise<BenchResult[]> {
  const btc = await loadRecordedEvents("btcusdt_20240718.gz");
  const eth = await loadRecordedEvents("ethusdt_20240718.gz");
  const lifecycleNs = timeRounds(btc.events, () => {
    const life = new Lifecycle(btc.spec, DEFAULT_PARAMS.lifecycle);
    return () => {
      for (const e of btc.events) {
        if (e.kind === "book") life.onBook(e);
        else life.onTrade(e);
        life.closed.length = 0;
        life.opened.length = 0;
      }
    };
  });
  return [
    { bench: "surveillance.ts.ns_per_update", value: Math.round(engineNs(btc.events, btc.spec)), unit: "ns" },
    { bench: "surveillance.ts.lifecycle_ns_per_update", value: Math.round(lifecycleNs), unit: "ns" },
    { bench: "surveillance.ts.eth_ns_per_update", value: Math.round(engineNs(eth.events, eth.spec)), unit: "ns" },
  ];
}
