/**
 * The analytics actor: one feature engine per symbol (native C++ through
 * bun:ffi, or the TypeScript reference), one engine call per symbol per
 * batch. Forwards book updates, trades and feature rows to the hub in
 * arrival order.
 *
 * Commands in: `book.updated`. Commands out: `analytics.computed` (to hub).
 */
import { assertEvent, enqueueActions, setup } from "xstate";
import { ActorId, type ActorCommands, type BookUpdate, type BookUpdatedEvent, type Engine, type FeatureRow, type HubItem, type MarketEvent, type SymbolSpec } from "../../src/switchboard.ts";
import { groupBySymbol } from "../../src/market-events.ts";
import { actorRef } from "../../src/actor-system.ts";
import { specFor } from "../../src/symbols.ts";
import { createFeatureEngine, type FeatureEngine } from "./engine.ts";

export interface AnalyticsInput {
  readonly engine: Engine;
  readonly notionalUsd?: number;
}

export interface AnalyticsContext {
  readonly input: AnalyticsInput;
  readonly engines: Map<string, FeatureEngine>;
  readonly specs: Map<string, SymbolSpec>;
  counters: { batches: number; bookUpdates: number; trades: number; featureRows: number };
}

export const analyticsMachine = setup({
  types: {
    context: {} as AnalyticsContext,
    events: {} as ActorCommands["analytics"],
    input: {} as AnalyticsInput,
  },
  actions: {
    compute: enqueueActions(({ context, event, enqueue, system }) => {
      assertEvent(event, "book.updated");
      const items = computeFeatures(context, event.events);
      // Gaps ride along after the batch's market items: consumers see the stale book first, then why.
      for (const gap of event.gaps) items.push(gap);
      enqueue.sendTo(actorRef(system, ActorId.hub), { type: "analytics.computed", items });
    }),
  },
}).createMachine({
  id: "analytics",
  context: ({ input }) => ({
    input,
    engines: new Map(),
    specs: new Map(),
    counters: { batches: 0, bookUpdates: 0, trades: 0, featureRows: 0 },
  }),
  initial: "running",
  states: {
    running: {
      on: {
        "book.updated": { actions: "compute" },
        "analytics.reset": {
          actions: ({ context }) => {
            for (const engine of context.engines.values()) engine.dispose();
            context.engines.clear();
            context.specs.clear();
          },
        },
      },
    },
  },
});

/** Groups the batch by symbol (engines keep per-symbol state), runs each engine once, and re-interleaves rows after their book update. */
export function computeFeatures(context: AnalyticsContext, events: readonly MarketEvent[]): HubItem[] {
  const bySymbol = groupBySymbol(events);
  const rowsBySymbol = new Map<string, FeatureRow[]>();
  for (const [symbol, symbolEvents] of bySymbol) {
    const engine = engineFor(context, symbol, symbolEvents);
    if (engine) rowsBySymbol.set(symbol, engine.process(symbolEvents));
  }
  const items: HubItem[] = [];
  const nextRow = new Map<string, number>();
  const counters = context.counters;
  counters.batches++;
  for (const event of events) {
    items.push(event);
    if (event.kind !== "book") {
      counters.trades++;
      continue;
    }
    counters.bookUpdates++;
    const rows = rowsBySymbol.get(event.symbol);
    if (!rows) continue;
    const at = nextRow.get(event.symbol) ?? 0;
    nextRow.set(event.symbol, at + 1);
    items.push(rows[at]!);
    counters.featureRows++;
  }
  return items;
}

/**
 * The engine follows the book's instrument: a reset update carries the spec
 * the book chose, and a different tick than the engine's means a new engine.
 */
function engineFor(context: AnalyticsContext, symbol: string, events: readonly MarketEvent[]): FeatureEngine | undefined {
  const existing = context.engines.get(symbol);
  const reset = events.find((e): e is BookUpdate => e.kind === "book" && e.spec !== undefined);
  const spec: SymbolSpec | undefined = reset?.spec ?? (existing ? undefined : specFor(symbol));
  if (existing && (!spec || context.specs.get(symbol)?.tickSize === spec.tickSize)) return existing;
  if (!spec) return undefined;
  existing?.dispose();
  const engine = createFeatureEngine(context.input.engine, spec, { notionalUsd: context.input.notionalUsd });
  context.engines.set(symbol, engine);
  context.specs.set(symbol, spec);
  return engine;
}

export function ffiNanoseconds(context: AnalyticsContext): number {
  let total = 0;
  for (const engine of context.engines.values()) total += engine.ffiNs;
  return total;
}
