/**
 * Surveillance engine cost per book update on the real Binance recording
 * btcusdt_20240718 (3,322 book updates of ~23 level changes, 974 trades):
 * lifecycle inference plus every detector, around `process()` in batches of
 * 64 events, trades included in the time. Median of 15 rounds after a
 * warm-up round, each from a fresh engine (constructed outside the timing);
 * the cases of one lifecycle kind take turns round by round, so a busy
 * machine slows them alike, and each kind runs in a child process of its
 * own, as the service runs one.
 *
 * - surveillance.ts.ns_per_update: the engine with the TypeScript lifecycle.
 * - surveillance.ts.lifecycle_ns_per_update: the TypeScript lifecycle alone.
 * - surveillance.ts.eth_ns_per_update: the same engine on ethusdt_20240718.
 * - surveillance.native.ns_per_update: the engine with the native lifecycle (the default when
 *   libgenesis loads; target < 1000).
 * - surveillance.native.lifecycle_ns_per_update: the native lifecycle alone, one library call
 *   per depth frame (as the engine drives it), episodes materialised.
 * - surveillance.native.lifecycle_batch_ns_per_update: the same, one call per 64-event batch.
 * - surveillance.native.eth_ns_per_update: the native engine on ethusdt_20240718.
 * - surveillance.native.two_symbols_ns_per_update: both recordings merged by exchange time and
 *   cut into 64-event batches, each batch's events grouped per symbol and fed to that symbol's
 *   engine, as the service does (surveillance.machine.ts `detect`); ns per book update over both
 *   symbols. Two engines taking turns evict each other's tables from the caches, which one
 *   engine alone never sees.
 * - surveillance.native.fresh_ns_per_update, surveillance.native.eth_fresh_ns_per_update,
 *   surveillance.native.two_symbols_fresh_ns_per_update:
 *   the same with each batch's events copied just before its process() call (the copy
 *   untimed). In the service the engine reads a batch that the decoder, the book and analytics
 *   have just written and read; every other figure here reads events parsed before the timing
 *   began, cold in the caches.
 * Without the library only the ts figures are printed.
 */
import type { MarketEvent, SymbolSpec } from "../src/switchboard.ts";
import { loadRecordedEvents } from "../actors/analytics/recorded-events.ts";
import { createSurveillanceEngine } from "../actors/surveillance/engine.ts";
import { createLifecycle, type LifecycleKind } from "../actors/surveillance/lifecycle-choice.ts";
import { nativeLifecycleStatus } from "../actors/surveillance/native-lifecycle-lib.ts";
import { NativeLifecycle } from "../actors/surveillance/native-lifecycle.ts";
import { DEFAULT_PARAMS } from "../actors/surveillance/params.ts";
import type { BenchResult } from "./run.ts";

const ROUNDS = 15;
const BATCH = 64;

interface Case {
  readonly name: string;
  readonly updates: number;
  /**
   * Builds the subject outside the timing; returns the timed run and the clean-up. A run that
   * returns a number timed its own parts (ns), leaving out work that is not the subject's.
   */
  readonly prepare: () => { run: () => number | void; dispose: () => void };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1]!;
}

/** ns per book update of each case: the cases take turns, one round each, warm-up round dropped. */
function timeInterleaved(cases: readonly Case[]): Map<string, number> {
  const ns = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let round = -1; round < ROUNDS; round++) {
    for (const c of cases) {
      const { run, dispose } = c.prepare();
      const t0 = Bun.nanoseconds();
      const own = run();
      const dt = typeof own === "number" ? own : Bun.nanoseconds() - t0;
      dispose();
      if (round >= 0) ns.get(c.name)!.push(dt / c.updates);
    }
  }
  return new Map([...ns].map(([name, values]) => [name, median(values)]));
}

function batches(events: MarketEvent[]): MarketEvent[][] {
  const out: MarketEvent[][] = [];
  for (let i = 0; i < events.length; i += BATCH) out.push(events.slice(i, i + BATCH));
  return out;
}

/** A copy of an event, its arrays written anew: as warm in the caches as a fresh decode leaves it. */
function freshCopy(e: MarketEvent): MarketEvent {
  if (e.kind === "trade") return { ...e };
  return { ...e, levelSide: e.levelSide.slice(), levelPriceTicks: e.levelPriceTicks.slice(), levelQty: e.levelQty.slice(), topBidPrice: e.topBidPrice.slice(), topBidQty: e.topBidQty.slice(), topAskPrice: e.topAskPrice.slice(), topAskQty: e.topAskQty.slice() };
}

/**
 * Engines (one per spec) fed a plan of per-engine batches. `fresh`: each batch is copied just
 * before its process() call and only the calls are timed.
 */
function planCase(name: string, specs: readonly SymbolSpec[], plan: readonly { engine: number; events: MarketEvent[] }[], lifecycle: LifecycleKind, fresh: boolean): Case {
  return {
    name,
    updates: plan.reduce((n, p) => n + p.events.filter((e) => e.kind === "book").length, 0),
    prepare: () => {
      const engines = specs.map((spec) => createSurveillanceEngine(spec, {}, lifecycle));
      const run = fresh
        ? () => {
          let ns = 0;
          for (const p of plan) {
            const events = p.events.map(freshCopy);
            const t0 = Bun.nanoseconds();
            engines[p.engine]!.process(events);
            ns += Bun.nanoseconds() - t0;
          }
          return ns;
        }
        : () => { for (const p of plan) engines[p.engine]!.process(p.events); };
      return { run, dispose: () => { for (const e of engines) e.dispose(); } };
    },
  };
}

function engineCase(name: string, spec: SymbolSpec, events: MarketEvent[], lifecycle: LifecycleKind, fresh = false): Case {
  return planCase(name, [spec], batches(events).map((b) => ({ engine: 0, events: b })), lifecycle, fresh);
}

/** Both symbols' events merged by exchange time (stable: each recording's order kept), batched, split per symbol. */
function twoSymbolCase(name: string, recordings: readonly { spec: SymbolSpec; events: MarketEvent[] }[], fresh = false): Case {
  const merged = recordings.flatMap((r) => r.events).sort((a, b) => a.exchTsMs - b.exchTsMs);
  const plan: { engine: number; events: MarketEvent[] }[] = [];
  for (const batch of batches(merged)) {
    for (let s = 0; s < recordings.length; s++) {
      const own = batch.filter((e) => e.symbol === recordings[s]!.spec.symbol);
      if (own.length > 0) plan.push({ engine: s, events: own });
    }
  }
  return planCase(name, recordings.map((r) => r.spec), plan, "native", fresh);
}

function lifecycleCase(name: string, spec: SymbolSpec, events: MarketEvent[], lifecycle: LifecycleKind): Case {
  return {
    name,
    updates: events.filter((e) => e.kind === "book").length,
    prepare: () => {
      const life = createLifecycle(spec, DEFAULT_PARAMS.lifecycle, lifecycle);
      const run = () => {
        for (const e of events) {
          if (e.kind === "book") life.onBook(e);
          else life.onTrade(e);
          life.closed.length = 0;
          life.opened.length = 0;
        }
      };
      return { run, dispose: () => life.dispose() };
    },
  };
}

function lifecycleBatchCase(name: string, spec: SymbolSpec, events: MarketEvent[]): Case {
  const parts = batches(events);
  return {
    name,
    updates: events.filter((e) => e.kind === "book").length,
    prepare: () => {
      const life = createLifecycle(spec, DEFAULT_PARAMS.lifecycle, "native") as NativeLifecycle;
      const drain = () => {
        life.closed.length = 0;
        life.opened.length = 0;
      };
      return { run: () => { for (const b of parts) life.processEvents(b, drain); }, dispose: () => life.dispose() };
    },
  };
}

/** The cases of one lifecycle kind, timed in this process. */
async function measure(kind: LifecycleKind): Promise<BenchResult[]> {
  const btc = await loadRecordedEvents("btcusdt_20240718.gz");
  const eth = await loadRecordedEvents("ethusdt_20240718.gz");
  const cases: Case[] = kind === "ts"
    ? [
      engineCase("surveillance.ts.ns_per_update", btc.spec, btc.events, "ts"),
      lifecycleCase("surveillance.ts.lifecycle_ns_per_update", btc.spec, btc.events, "ts"),
      engineCase("surveillance.ts.eth_ns_per_update", eth.spec, eth.events, "ts"),
    ]
    : [
      engineCase("surveillance.native.ns_per_update", btc.spec, btc.events, "native"),
      engineCase("surveillance.native.fresh_ns_per_update", btc.spec, btc.events, "native", true),
      lifecycleCase("surveillance.native.lifecycle_ns_per_update", btc.spec, btc.events, "native"),
      lifecycleBatchCase("surveillance.native.lifecycle_batch_ns_per_update", btc.spec, btc.events),
      engineCase("surveillance.native.eth_ns_per_update", eth.spec, eth.events, "native"),
      engineCase("surveillance.native.eth_fresh_ns_per_update", eth.spec, eth.events, "native", true),
      twoSymbolCase("surveillance.native.two_symbols_ns_per_update", [btc, eth]),
      twoSymbolCase("surveillance.native.two_symbols_fresh_ns_per_update", [btc, eth], true),
    ];
  const ns = timeInterleaved(cases);
  return cases.map((c) => ({ bench: c.name, value: Math.round(ns.get(c.name)!), unit: "ns" }));
}

/**
 * Each kind in a process of its own, as the service runs one: timed in one process, the two
 * engines share the detectors' call sites, which then see two lifecycle classes and two counts
 * shapes (no difference measurable through this machine's noise, but nothing to rely on).
 */
export async function run(): Promise<BenchResult[]> {
  const kinds: LifecycleKind[] = nativeLifecycleStatus().available ? ["ts", "native"] : ["ts"];
  const out: BenchResult[] = [];
  for (const kind of kinds) {
    const child = Bun.spawnSync([process.execPath, import.meta.path, kind], { stdout: "pipe", stderr: "inherit" });
    if (child.exitCode !== 0) throw new Error(`surveillance bench: the ${kind} run exited with ${child.exitCode}`);
    out.push(...(JSON.parse(child.stdout.toString()) as BenchResult[]));
  }
  return out;
}

if (import.meta.main) {
  const kind = Bun.argv[2];
  if (kind !== "ts" && kind !== "native") throw new Error(`surveillance bench: kind=${kind}, expected ts or native`);
  process.stdout.write(JSON.stringify(await measure(kind)));
}
