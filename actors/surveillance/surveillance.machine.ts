/**
 * The surveillance actor: one detector engine per symbol over the same
 * ordered market events as analytics, one call per symbol per batch. Alerts
 * go to the hub, which streams them (`anomaly` events) and hands them to the
 * recorder like any other item.
 *
 * With `clockTick` (live and simulated markets), every SURVEILLANCE_TICK_MS
 * an engine whose symbol has been quiet for a tick is told how far the
 * exchange clock has moved (quietClockTsMs: the last event's exchange time
 * plus the quiet wall time, less a lag for frames still in flight), so an
 * alert that only waits for time to pass (a spoof candidate's hold) is raised
 * on time in a quiet market, not at the next event. A replay leaves it off:
 * its events are its only clock, so it finds the same alerts at any speed.
 *
 * Commands in: `book.updated`, `surveillance.reset`. Commands out:
 * `surveillance.alerted` (to hub).
 */
import { assertEvent, enqueueActions, setup } from "xstate";
import { groupBySymbol } from "../../src/market-events.ts";
import { actorRef } from "../../src/actor-system.ts";
import { ActorId, type ActorCommands, type AnomalyFact, type BookUpdate, type MarketEvent, type SymbolSpec } from "../../src/switchboard.ts";
import { specFor } from "../../src/symbols.ts";
import { quietClockTsMs, SURVEILLANCE_TICK_MS, type CreateSurveillanceEngine, type SurveillanceEngine } from "./alert.ts";

export interface SurveillanceInput {
  readonly createEngine: CreateSurveillanceEngine;
  /** Tell the engines the time between events (wall clock); default off. */
  readonly clockTick?: boolean;
}

export interface SurveillanceContext {
  readonly createEngine: CreateSurveillanceEngine;
  readonly clockTick: boolean;
  readonly engines: Map<string, SurveillanceEngine>;
  /**
   * Per symbol: the latest event's exchange and local times, the wall clock (performance.now(), ms)
   * when it came, and how far the tick has advanced the engine since (never backwards).
   */
  readonly clocks: Map<string, { exchTsMs: number; localTsMs: number; wallMs: number; advancedTsMs: number }>;
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
    tick: enqueueActions(({ context, enqueue, system }) => {
      const alerts = tick(context, performance.now());
      if (alerts.length > 0) enqueue.sendTo(actorRef(system, ActorId.hub), { type: "surveillance.alerted", alerts });
    }),
  },
}).createMachine({
  id: "surveillance",
  context: ({ input }) => ({ createEngine: input.createEngine, clockTick: input.clockTick ?? false, engines: new Map(), clocks: new Map(), counters: { batches: 0, alerts: 0 } }),
  initial: "watching",
  states: {
    watching: {
      after: { [SURVEILLANCE_TICK_MS]: { guard: ({ context }) => context.clockTick, target: "watching", reenter: true, actions: "tick" } },
      on: {
        "book.updated": { actions: "detect" },
        "surveillance.reset": {
          actions: ({ context }) => {
            for (const engine of context.engines.values()) engine.dispose();
            context.engines.clear();
            context.clocks.clear();
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
    const last = symbolEvents.at(-1)!;
    for (const alert of engine.process(symbolEvents)) facts.push({ ...alert, kind: "anomaly", localTsMs: last.localTsMs });
    const clock = context.clocks.get(symbol);
    if (!clock || last.exchTsMs >= clock.exchTsMs) context.clocks.set(symbol, { exchTsMs: last.exchTsMs, localTsMs: last.localTsMs, wallMs: performance.now(), advancedTsMs: clock?.advancedTsMs ?? -Infinity });
    else clock.wallMs = performance.now(); // an older event still counts as traffic: not quiet
  }
  context.counters.alerts += facts.length;
  return facts;
}

/** At wall time `wallMs`, advances the engine of every symbol quiet for a tick to its clock estimate. */
export function tick(context: SurveillanceContext, wallMs: number): AnomalyFact[] {
  const facts: AnomalyFact[] = [];
  for (const [symbol, engine] of context.engines) {
    const clock = context.clocks.get(symbol);
    if (!clock) continue;
    const quietMs = wallMs - clock.wallMs;
    const tsMs = quietClockTsMs(clock.exchTsMs, quietMs);
    if (tsMs === null || tsMs <= clock.advancedTsMs) continue;
    clock.advancedTsMs = tsMs;
    const localTsMs = clock.localTsMs + quietMs;
    for (const alert of engine.advance(tsMs)) facts.push({ ...alert, kind: "anomaly", localTsMs });
  }
  context.counters.alerts += facts.length;
  return facts;
}
