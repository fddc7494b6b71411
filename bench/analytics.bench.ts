/**
 * Feature engine cost per book update on the real Binance recordings
 * (btcusdt_20240718: 3,322 book updates of ~23 level changes on a ~2,000
 * level book, 974 trades; ethusdt_20240718 likewise), measured around
 * `FeatureEngine.process()`: packing the batch, the FFI call, and one
 * FeatureRow (own Float64Array) per update.
 *
 * - analytics.native.ns_per_update: batches of 64 events (replay/sim-like).
 * - analytics.native.ffi_ns_per_update: the part spent inside gn_engine_process.
 * - analytics.native.ns_per_update_single: one process() call per event (live-like).
 * - analytics.native.eth_ns_per_update: ETHUSDT, batches of 64.
 * - analytics.ts.ns_per_update / analytics.ts.eth_ns_per_update: the TypeScript engine.
 *
 * Median of 7 rounds after a warm-up round; each round replays the whole
 * recording from a reset engine. Run alone: `bun bench/run.ts analytics`.
 */
import type { MarketEvent, SymbolSpec } from "../src/switchboard.ts";
import { createFeatureEngine, nativeStatus, type FeatureEngine } from "../actors/analytics/engine.ts";
import { loadRecordedEvents } from "../actors/analytics/recorded-events.ts";

interface BenchResult {
  bench: string;
  value: number;
  unit: string;
}

const ROUNDS = 7;
const BATCH = 64;

interface Timing {
  nsPerUpdate: number;
  ffiNsPerUpdate: number;
}

function chunk(events: MarketEvent[], size: number): MarketEvent[][] {
  const out: MarketEvent[][] = [];
  for (let i = 0; i < events.length; i += size) out.push(events.slice(i, i + size));
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function time(engine: FeatureEngine, batches: MarketEvent[][], updates: number): Timing {
  const total: number[] = [];
  const ffi: number[] = [];
  for (let round = -1; round < ROUNDS; round++) {
    engine.reset();
    const ffi0 = engine.ffiNs;
    let rows = 0;
    const t0 = Bun.nanoseconds();
    for (const batch of batches) rows += engine.process(batch).length;
    const elapsed = Bun.nanoseconds() - t0;
    if (rows !== updates) throw new Error(`analytics bench: ${rows} rows for ${updates} book updates`);
    if (round < 0) continue; // warm-up
    total.push(elapsed / updates);
    ffi.push((engine.ffiNs - ffi0) / updates);
  }
  return { nsPerUpdate: median(total), ffiNsPerUpdate: median(ffi) };
}

async function recording(file: string): Promise<{ spec: SymbolSpec; events: MarketEvent[]; updates: number }> {
  const { spec, events } = await loadRecordedEvents(file);
  return { spec, events, updates: events.filter((e) => e.kind === "book").length };
}

export async function run(): Promise<BenchResult[]> {
  const btc = await recording("btcusdt_20240718.gz");
  const eth = await recording("ethusdt_20240718.gz");
  const results: BenchResult[] = [];
  const ns = (bench: string, value: number) => results.push({ bench, value: Math.round(value), unit: "ns" });

  if (nativeStatus().available) {
    const engine = createFeatureEngine("native", btc.spec);
    const batched = time(engine, chunk(btc.events, BATCH), btc.updates);
    ns("analytics.native.ns_per_update", batched.nsPerUpdate);
    ns("analytics.native.ffi_ns_per_update", batched.ffiNsPerUpdate);
    ns("analytics.native.ns_per_update_single", time(engine, chunk(btc.events, 1), btc.updates).nsPerUpdate);
    engine.dispose();
    const ethEngine = createFeatureEngine("native", eth.spec);
    ns("analytics.native.eth_ns_per_update", time(ethEngine, chunk(eth.events, BATCH), eth.updates).nsPerUpdate);
    ethEngine.dispose();
  }
  ns("analytics.ts.ns_per_update", time(createFeatureEngine("ts", btc.spec), chunk(btc.events, BATCH), btc.updates).nsPerUpdate);
  ns("analytics.ts.eth_ns_per_update", time(createFeatureEngine("ts", eth.spec), chunk(eth.events, BATCH), eth.updates).nsPerUpdate);
  return results;
}

if (import.meta.main) for (const result of await run()) console.log(JSON.stringify(result));
