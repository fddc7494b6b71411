/**
 * The surveillance actor's clock tick: between events each engine hears the
 * exchange time its clock estimate reached (the last event's exchange time
 * plus the wall time since it came), and what that releases goes out like
 * any other alert, stamped on the same local clock as the events.
 */
import { describe, expect, test } from "bun:test";
import { createActor } from "xstate";
import type { MarketEvent, Trade } from "../../src/switchboard.ts";
import { SURVEILLANCE_CLOCK_LAG_MS, type Alert, type SurveillanceEngine } from "./alert.ts";
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
  const context = (dueTsMs: number, advances: number[]): SurveillanceContext => ({ createEngine: () => clockEngine(dueTsMs, advances), clockTick: true, engines: new Map(), clocks: new Map(), counters: { batches: 0, alerts: 0 } });

  test("a symbol quiet for a tick hears its last exchange time plus the quiet time, less the lag; what that releases goes out on the events' local clock", () => {
    const advances: number[] = [];
    const ctx = context(10_400, advances);
    expect(detect(ctx, [trade(10_000, 50_000)])).toEqual([]);
    const wallMs = ctx.clocks.get("BTCUSDT")!.wallMs;
    expect(tick(ctx, wallMs + 50)).toEqual([]); // under a tick of quiet: events still move the clock
    expect(advances).toEqual([]);
    expect(tick(ctx, wallMs + 150)).toEqual([]);
    const facts = tick(ctx, wallMs + 550);
    expect(advances).toEqual([10_000 + 150 - SURVEILLANCE_CLOCK_LAG_MS, 10_000 + 550 - SURVEILLANCE_CLOCK_LAG_MS]);
    expect(facts.length).toBe(1);
    expect(facts[0]!.kind).toBe("anomaly");
    expect(facts[0]!.localTsMs).toBe(50_550);
    expect(ctx.counters.alerts).toBe(1);
  });

  test("never before a symbol's first event, never backwards, and an event (even an older one) makes the symbol busy again", () => {
    const advances: number[] = [];
    const ctx = context(Infinity, advances);
    expect(tick(ctx, 1e9)).toEqual([]);
    detect(ctx, [trade(10_000, 50_000)]);
    const wallMs = ctx.clocks.get("BTCUSDT")!.wallMs;
    tick(ctx, wallMs + 400);
    tick(ctx, wallMs + 300); // a wall clock read out of order
    expect(advances).toEqual([10_300]);
    detect(ctx, [trade(9_990, 50_010)]); // a late print: traffic, not a new clock
    tick(ctx, ctx.clocks.get("BTCUSDT")!.wallMs + 50);
    expect(advances).toEqual([10_300]);
    expect(ctx.clocks.get("BTCUSDT")!.exchTsMs).toBe(10_000);
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
