/**
 * The surveillance actor's clock tick: between events each engine hears the
 * exchange time its clock estimate reached (the last event's exchange time
 * plus the wall time since it came), and what that releases goes out like
 * any other alert, stamped on the same local clock as the events.
 */
import { describe, expect, test } from "bun:test";
import { createActor } from "xstate";
import type { MarketEvent, Trade } from "../../src/switchboard.ts";
import type { Alert, SurveillanceEngine } from "./alert.ts";
import { detect, surveillanceMachine, tick, type SurveillanceContext } from "./surveillance.machine.ts";


function trade(exchTsMs: number, localTsMs: number): Trade {
  return { kind: "trade", symbol: "BTCUSDT", exchTsMs, localTsMs, tradeId: exchTsMs, priceTicks: 600_000, price: 60_000, qty: 0.01, side: "buy" };
}

/** An engine that raises one alert the first time the clock passes `dueTsMs`, and records every advance. */
function clockEngine(dueTsMs: number, advances: number[]): SurveillanceEngine {
  let raised = false;
  return {
    process: () => [],
    advance(tsMs: number): Alert[] {
      advances.push(tsMs);
      if (raised || tsMs < dueTsMs) return [];
      raised = true;
      return [{ id: "BTCUSDT:spoofing:bid:1", type: "spoofing", symbol: "BTCUSDT", side: "bid", score: 70, tsStart: 1, tsEnd: dueTsMs - 400, evidence: {}, explanation: "x" }];
    },
    dispose: () => {},
  };
}

describe("surveillance clock tick", () => {
  test("engines hear the last exchange time plus the wall time since it came; released alerts go out once", () => {
    const advances: number[] = [];
    const context: SurveillanceContext = { createEngine: () => clockEngine(10_400, advances), clockTick: true, engines: new Map(), clocks: new Map(), counters: { batches: 0, alerts: 0 } };
    const events: MarketEvent[] = [trade(10_000, 50_000)];
    expect(detect(context, events)).toEqual([]);
    const wallMs = context.clocks.get("BTCUSDT")!.wallMs;
    expect(tick(context, wallMs + 100)).toEqual([]);
    const facts = tick(context, wallMs + 450);
    expect(advances).toEqual([10_100, 10_450]);
    expect(facts.length).toBe(1);
    expect(facts[0]!.kind).toBe("anomaly");
    expect(facts[0]!.localTsMs).toBe(50_450);
    expect(context.counters.alerts).toBe(1);
    expect(tick(context, wallMs + 550)).toEqual([]);
  });

  test("no engine hears the clock before its symbol's first event; a wall clock that steps back never moves it back", () => {
    const advances: number[] = [];
    const context: SurveillanceContext = { createEngine: () => clockEngine(Infinity, advances), clockTick: true, engines: new Map(), clocks: new Map(), counters: { batches: 0, alerts: 0 } };
    expect(tick(context, 1e9)).toEqual([]);
    detect(context, [trade(10_000, 50_000)]);
    tick(context, context.clocks.get("BTCUSDT")!.wallMs - 500);
    expect(advances).toEqual([10_000]);
  });

  test.each([
    ["live and simulated markets tick", true],
    ["a replay runs on its events alone", false],
  ])("the actor: %s", async (_name, clockTick) => {
    const advances: number[] = [];
    const actor = createActor(surveillanceMachine, { input: { createEngine: () => clockEngine(Infinity, advances), clockTick } }).start();
    actor.send({ type: "book.updated", events: [trade(10_000, 50_000)], gaps: [] });
    await Bun.sleep(350);
    actor.stop();
    if (clockTick) {
      expect(advances.length).toBeGreaterThanOrEqual(2);
      expect(advances[0]!).toBeGreaterThanOrEqual(10_000);
    } else expect(advances).toEqual([]);
  });
});
