/**
 * The surveillance actor: one detector engine per symbol over the same
 * ordered market events as analytics, one call per symbol per batch. Alerts
 * go to the hub, which streams them (`anomaly` events) and hands them to the
 * recorder like any other item.
 *
 * Commands in: `book.updated`, `surveillance.reset`. Commands out:
 * `surveillance.alerted` (to hub).
 */
import { assertEvent, enqueueActions, setup } from "xstate";
import { groupBySymbol } from "../../src/market-events.ts";
import { actorRef } from "../../src/actor-system.ts";
import { ActorId, type ActorCommands, type AnomalyFact, type BookUpdate, type MarketEvent, type SymbolSpec } from "../../src/switchboard.ts";
import { specFor } from "../../src/symbols.ts";
import type { CreateSurveillanceEngine, SurveillanceEngine } from "./alert.ts";

export interface SurveillanceInput {
  readonly createEngine: CreateSurveillanceEngine;
}

export interface SurveillanceContext {
  readonly createEngine: CreateSurveillanceEngine;
  readonly engines: Map<string, SurveillanceEngine>;
  counters: { batches: number; alerts: number };
}

export const surveillanceMachine = setup({
  types: {
    context: {} as SurveillanceContext,
    events: {} as ActorCommands["surveillance"],
    input: {} as SurveillanceInput,
  },
  actions: {
    detect: enqueueActions(({ context, event, enqueue, system }) => {
      assertEvent(event, "book.updated");
      const alerts = detect(context, event.events);
      if (alerts.length > 0) enqueue.sendTo(actorRef(system, ActorId.hub), { type: "surveillance.alerted", alerts });
    }),
  },
}).createMachine({
  id: "surveillance",
  context: ({ input }) => ({ createEngine: input.createEngine, engines: new Map(), counters: { batches: 0, alerts: 0 } }),
  initial: "watching",
  states: {
    watching: {
      on: {
        "book.updated": { actions: "detect" },
        "surveillance.reset": {
          actions: ({ context }) => {
            for (const engine of context.engines.values()) engine.dispose();
            context.engines.clear();
          },
        },
      },
    },
  },
});

/** Runs each symbol's engine on its events (engines keep per-symbol state); stamps alerts as hub items. */
export function detect(context: SurveillanceContext, events: readonly MarketEvent[]): AnomalyFact[] {
  context.counters.batches++;
  const bySymbol = groupBySymbol(events);
  const facts: AnomalyFact[] = [];
  for (const [symbol, symbolEvents] of bySymbol) {
    let engine = context.engines.get(symbol);
    if (!engine) {
      const spec: SymbolSpec | undefined = symbolEvents.find((e): e is BookUpdate => e.kind === "book" && e.spec !== undefined)?.spec ?? specFor(symbol);
      if (!spec) continue;
      engine = context.createEngine(spec);
      context.engines.set(symbol, engine);
    }
    const localTsMs = symbolEvents.at(-1)!.localTsMs;
    for (const alert of engine.process(symbolEvents)) facts.push({ ...alert, kind: "anomaly", localTsMs });
  }
  context.counters.alerts += facts.length;
  return facts;
}
