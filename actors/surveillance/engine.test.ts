/**
 * Spoofing and layering on scripted markets: each fires on its pattern and
 * stays quiet on the near-misses (traded liquidity, long-resting size, small
 * size, no price move, a requote, a stack), at BTC and ETH sizes alike. The
 * other detectors: engine-detectors.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { ASK, BID, type MarketEvent } from "../../src/switchboard.ts";
import { quietClockTsMs, SURVEILLANCE_TICK_MS, type Alert } from "./alert.ts";
import type { FlowEvidence } from "./detectors/aggressor-flow.ts";
import { createSurveillanceEngine } from "./engine.ts";
import { BTC, detect, ETH, lifecycleKinds, ofType } from "./engine.testkit.ts";
import { TestMarket } from "./test-market.ts";
import { withDefaults } from "./params.ts";

interface SpoofScript {
  sizeUnits?: number;
  lifetimeMs?: number;
  traded?: boolean;
  move?: boolean;
  /** The manipulator's real business: buyers lifting the asks while the bid rests (default true). */
  opposite?: boolean;
  /** Ticks below the best bid (default 1; 0 joins the touch). */
  distTicks?: number;
  /** At the cancel, a bid of this multiple of the size is placed where the pulled one would be had it followed the price. */
  requoteSize?: number;
  /** How far the price lifts while the bid rests (default 2 ticks). */
  liftTicks?: number;
  /** A second large bid one tick further out, placed and pulled with the first. */
  stacked?: boolean;
  /** Large bids on the next levels further out, placed with the first and pulled 1 s after it. */
  layersBehind?: number;
  /** Three large bids 4-6 ticks further out, placed with the first and pulled 100 ms later (no layering: too brief). */
  flickerStack?: boolean;
}

/** A level change: [side, priceTicks, qty]. */
type Level = [number, number, number];

/**
 * Warm-up, then a large bid one tick below the touch; the price lifts and aggressive buys (the
 * spoofer's sells being lifted) print at the ask, 40% of the bid's size; the bid is cancelled.
 * Returns the cancel time.
 */
function spoof(m: TestMarket, s: SpoofScript = {}): number {
  const { sizeUnits = 30, lifetimeMs = 2000, traded = false, move = true, opposite = move, distTicks = 1, requoteSize, stacked = false, liftTicks = 2, layersBehind = 0, flickerStack = false } = s;
  m.run(60_000);
  const price = m.bestBid - distTicks;
  const qty = sizeUnits * m.unit;
  const shownAt = (ticksBelow: number): Level => [BID, price - ticksBelow, m.book.side(BID).qtyAt(price - ticksBelow)];
  const plusQty = ([side, p, q]: Level): Level => [side, p, q + qty];
  const base = m.book.side(BID).qtyAt(price);
  const stackLevel = shownAt(1);
  const behind = Array.from({ length: layersBehind }, (_, i) => shownAt(1 + i));
  const behindUp = behind.map(plusQty);
  const resting = (): Level[] => [[BID, price, base + qty], ...(stacked ? [plusQty(stackLevel)] : []), ...behindUp];
  const flicker = flickerStack ? [4, 5, 6].map(shownAt) : [];
  m.step([...resting(), ...flicker.map(plusQty)]);
  if (flickerStack) m.step([...resting(), ...flicker]);
  if (!move) m.backgroundTrades = false;
  const steps = Math.max(1, Math.round(lifetimeMs / 100) - 2);
  for (let i = 0; i < steps; i++) {
    if (move && i === 2) m.shift(liftTicks, resting());
    else if (opposite && i >= 3 && i < 7) {
      // Separate taker orders spread over the rest (one order's prints would count as one).
      m.trade(m.bestAsk, 0.1 * qty, "buy");
      m.step(resting());
    }
    else if (traded && i === steps - 1) {
      m.trade(price, qty + base, "sell");
      m.step([[BID, price, 0]]);
    } else m.step(resting());
  }
  m.backgroundTrades = true;
  if (!traded) {
    const pulled: Level[] = [[BID, price, base]];
    if (stacked) pulled.push(stackLevel);
    if (requoteSize !== undefined) pulled.push([BID, price + liftTicks, m.book.side(BID).qtyAt(price + liftTicks) + requoteSize * qty]);
    m.step([...pulled, ...behindUp]);
  }
  const cancelTs = m.tsMs;
  if (layersBehind > 0) {
    for (let i = 0; i < 9; i++) m.step(behindUp);
    m.step(behind);
  }
  m.run(3000);
  return cancelTs;
}

describe("spoofing", () => {
  for (const [spec, unit] of [[BTC, 0.05], [ETH, 2]] as const) {
    test(`${spec.symbol}: a large, brief, cancelled bid near the touch while the price lifts is flagged within 1 s`, () => {
      const m = new TestMarket(spec, unit, 7);
      const cancelTs = spoof(m);
      const found = ofType(detect(spec, m.events), "spoofing") as { alert: Alert; atTsMs: number }[];
      expect(found.length).toBe(1);
      const { alert, atTsMs } = found[0]!;
      expect(alert.side).toBe("bid");
      expect(alert.score).toBeGreaterThanOrEqual(50);
      expect(alert.tsEnd).toBe(cancelTs);
      expect(atTsMs - cancelTs).toBeLessThanOrEqual(1000);
      expect(alert.id).toBe(`${spec.symbol}:spoofing:bid:${alert.tsStart}`);
      expect((alert.evidence.sizeMultiple as number)).toBeGreaterThan(8);
      const flow = alert.evidence.oppositeFlow as FlowEvidence;
      expect(flow.z).toBeGreaterThanOrEqual(withDefaults().spoofing.minOppositeZ);
      expect(flow.outsizedExpected).toBeGreaterThanOrEqual(0);
      // Untrimmed only with several outsized prints (the few large child orders of aggressor-flow.ts).
      if (!flow.trimmed) expect(flow.outsizedEvents).toBeGreaterThanOrEqual(withDefaults().aggressorFlow.minOutsizedEvents);
      expect(flow.windowQty).toBeGreaterThan(flow.expectedQty);
      expect(alert.explanation).toMatch(/cancelled after/);
    });
  }
  test.each(lifecycleKinds())("%s lifecycle: in a feed gone silent after the cancel, the clock alone raises the alert within 1 s", (kind) => {
    const m = new TestMarket(BTC, 0.05, 7);
    const cancelTs = spoof(m);
    const events = m.events.filter((e) => e.exchTsMs <= cancelTs);
    const run = (tick: boolean) => {
      const engine = createSurveillanceEngine(BTC, {}, kind);
      const found: { alert: Alert; atTsMs: number }[] = [];
      for (const e of events) for (const alert of engine.process([e])) found.push({ alert, atTsMs: e.exchTsMs });
      // The service's tick in a feed gone quiet at the cancel: the clock estimate, a tick at a time.
      for (let quietMs = SURVEILLANCE_TICK_MS; tick && quietMs <= 3000; quietMs += SURVEILLANCE_TICK_MS) {
        for (const alert of engine.advance(quietClockTsMs(cancelTs, quietMs)!)) found.push({ alert, atTsMs: cancelTs + quietMs });
      }
      engine.dispose();
      return ofType(found, "spoofing");
    };
    expect(run(false)).toEqual([]);
    const found = run(true);
    expect(found.length).toBe(1);
    expect(found[0]!.alert.tsEnd).toBe(cancelTs);
    expect(found[0]!.atTsMs - cancelTs).toBeLessThanOrEqual(1000);
  });
  test("a stack that came and went while the bid rested (judged, no layering) does not hold the alert back", () => {
    const m = new TestMarket(BTC, 0.05, 7);
    const cancelTs = spoof(m, { flickerStack: true });
    const found = ofType(detect(BTC, m.events), "spoofing");
    expect(found.length).toBe(1);
    // The hold (300 ms) and a frame, not the stack wait (600 ms more).
    expect(found[0]!.atTsMs - cancelTs).toBeLessThanOrEqual(withDefaults().spoofing.holdMs + 100);
  });
  test.each([
    ["flagged", false],
    ["not flagged: the push is the momentum detector's, another scheme's prints", true],
  ])("a large bid resting while a steady taker push lifts the asks, nothing else trading: %s", (_name, skipPushes) => {
    const m = new TestMarket(BTC, 0.05, 7);
    m.run(60_000);
    m.backgroundTrades = false;
    const price = m.bestBid - 1, qty = 30 * m.unit;
    const resting: [number, number, number][] = [[BID, price, m.book.side(BID).qtyAt(price) + qty]];
    for (let i = 0; i < 12; i++) m.step(resting); // no taker for longer than a run lasts (burstMs)
    // Five taker orders 40 ms apart, each taking the two best ask levels: an igniter's steady push.
    for (let i = 0; i < 5; i++) {
      for (let k = 0; k < 2; k++) {
        const ask = m.book.side(ASK).priceTicks[k]!;
        m.trade(ask, m.book.side(ASK).qtyAt(ask), "buy", [[ASK, ask, 0]]);
      }
      m.tsMs += 40;
      m.frame(resting);
    }
    for (let i = 0; i < 5; i++) m.step(resting);
    m.step([[BID, price, resting[0]![2] - qty]]);
    m.run(3000);
    const engine = createSurveillanceEngine(BTC);
    // Without the push mark the same prints are what a spoofer's own trading would look like.
    if (!skipPushes) (engine as unknown as { flow: { markPush(): void } }).flow.markPush = () => {};
    const alerts = m.events.flatMap((e) => engine.process([e]));
    engine.dispose();
    expect(alerts.filter((a) => a.type === "spoofing").length).toBe(skipPushes ? 0 : 1);
  });
  test.each([
    ["traded", { traded: true }],
    ["long-resting", { lifetimeMs: 20_000 }],
    ["small (2x the reference, below sizeMultiple 3)", { sizeUnits: 2 }],
    ["no price move, no opposite trades", { move: false }],
    ["price lifts but nothing trades on the other side", { opposite: false }],
    ["joined the touch: a quote meant to trade", { distTicks: 0 }],
    ["re-placed at its size where the price went, 6 ticks up: a quote following the price", { requoteSize: 1, liftTicks: 6 }],
    ["re-placed at its size 15 ticks up, where the price went (beyond requoteTicks of the old price)", { requoteSize: 1, liftTicks: 15 }],
    ["placed and pulled with a second large bid: a stack, layering's to judge", { stacked: true }],
    ["placed with two more large bids on the next levels, pulled 1 s before them: one layer of a stack", { layersBehind: 2 }],
  ] as const)("near-miss (%s) is not flagged", (_name, script) => {
    const m = new TestMarket(BTC, 0.05, 7);
    spoof(m, script);
    expect(ofType(detect(BTC, m.events), "spoofing")).toEqual([]);
  });
  test("one scheme, one alert: a second large bid that rested while a flagged one did is not reported again", () => {
    const m = new TestMarket(BTC, 0.05, 7);
    m.run(60_000);
    const a = m.bestBid - 1, b = m.bestBid - 3, qty = 30 * m.unit;
    const baseA = m.book.side(BID).qtyAt(a), baseB = m.book.side(BID).qtyAt(b);
    m.step([[BID, a, baseA + qty]]);
    m.step([[BID, a, baseA + qty]], 300);
    m.step([[BID, a, baseA + qty], [BID, b, baseB + qty]]); // 400 ms later: not placed together
    for (let i = 0; i < 12; i++) {
      if (i === 1) m.shift(2, [[BID, a, baseA + qty], [BID, b, baseB + qty]]);
      else if (i >= 2 && i < 8) {
        m.trade(m.bestAsk, 0.1 * qty, "buy");
        m.step([[BID, a, baseA + qty], [BID, b, baseB + qty]]);
      } else m.step([[BID, a, baseA + qty], [BID, b, baseB + qty]]);
    }
    m.step([[BID, a, baseA], [BID, b, baseB + qty]]);
    for (let i = 0; i < 4; i++) m.step([[BID, b, baseB + qty]]);
    m.step([[BID, b, baseB]]); // pulled 500 ms after the first
    m.run(3000);
    const found = ofType(detect(BTC, m.events), "spoofing");
    expect(found.length).toBe(1);
    expect((found[0]!.alert.evidence.levels as { priceTicks: number }[])[0]!.priceTicks).toBe(a);
  });
  test("a large order of another size placed after the cancel is no requote: still flagged", () => {
    const m = new TestMarket(BTC, 0.05, 7);
    spoof(m, { requoteSize: 3 });
    expect(ofType(detect(BTC, m.events), "spoofing").length).toBe(1);
  });
  test("one of its size placed after a 2-tick move (below requoteMinShiftTicks) is no requote either: still flagged", () => {
    const m = new TestMarket(BTC, 0.05, 7);
    spoof(m, { requoteSize: 1, liftTicks: 2 });
    expect(ofType(detect(BTC, m.events), "spoofing").length).toBe(1);
  });
  test("adaptivity: an order large for BTC sizes is ordinary at ETH sizes", () => {
    const btc = new TestMarket(BTC, 0.05, 3);
    spoof(btc, { sizeUnits: 30 });
    const eth = new TestMarket(ETH, 1.5, 3); // same absolute qty (1.5) = 1 ETH unit
    spoof(eth, { sizeUnits: 1 });
    expect(ofType(detect(BTC, btc.events), "spoofing").length).toBe(1);
    expect(ofType(detect(ETH, eth.events), "spoofing").length).toBe(0);
  });
  test("a quote that follows the price (cancelled and re-placed) is not flagged", () => {
    const m = new TestMarket(BTC, 0.05, 9);
    m.run(60_000);
    const price = m.bestBid - 1, qty = 30 * m.unit;
    m.step([[BID, price, qty]]);
    m.shift(2, [[BID, price, qty]]);
    m.step([[BID, price, 0], [BID, price + 2, qty]]); // moved with the market
    m.run(3000);
    expect(ofType(detect(BTC, m.events), "spoofing")).toEqual([]);
  });
});

describe("layering", () => {
  function layers(m: TestMarket, count: number): void {
    m.run(60_000);
    const top = m.bestAsk + 1;
    const placed: [number, number, number][] = [];
    const before: [number, number, number][] = [];
    for (let i = 0; i < count; i++) {
      before.push([ASK, top + i, m.book.side(ASK).qtyAt(top + i)]);
      placed.push([ASK, top + i, 6 * m.unit + before[i]![2]]);
      m.step(placed.slice());
    }
    m.shift(-2, placed);
    // The point of the stack: sells hit the bid while it rests (30% of its size), then it goes.
    for (let i = 0; i < 5; i++) {
      if (i < 3) m.trade(m.bestBid, 0.1 * count * 6 * m.unit, "sell");
      m.step(placed);
    }
    m.step(before); // every layer pulled in the same frame
    m.run(3000);
  }
  test("four large asks stacked on consecutive levels, placed and pulled together, are one layering alert", () => {
    const m = new TestMarket(ETH, 2, 11);
    layers(m, 4);
    const found = detect(ETH, m.events);
    const layering = ofType(found, "layering");
    expect(layering.length).toBe(1);
    expect(layering[0]!.alert.side).toBe("ask");
    expect(layering[0]!.alert.score).toBeGreaterThanOrEqual(50);
    expect((layering[0]!.alert.evidence.levels as unknown[]).length).toBe(4);
    expect(ofType(found, "spoofing")).toEqual([]); // the layers are not double-reported
  });
  test.each([
    ["still held", 100],
    ["still resting when the lone order's hold ends", 500],
  ])("a lone large ask pulled while a layering group on its side is %s is part of that scheme, not a spoof", (_name, stackLagMs) => {
    const m = new TestMarket(ETH, 2, 11);
    m.run(60_000);
    const lone = m.bestAsk + 1, top = lone + 3; // three ticks out: not one of the stack's levels
    const at = (price: number) => m.book.side(ASK).qtyAt(price);
    const loneBefore: [number, number, number] = [ASK, lone, at(lone)];
    const loneUp: [number, number, number] = [ASK, lone, loneBefore[2] + 6 * m.unit];
    m.step([loneUp]); // 100 ms before the stack: placed apart from it
    const before: [number, number, number][] = [], placed: [number, number, number][] = [];
    for (let i = 0; i < 3; i++) {
      before.push([ASK, top + i, at(top + i)]);
      placed.push([ASK, top + i, 6 * m.unit + before[i]![2]]);
    }
    m.step([loneUp, ...placed]);
    m.shift(-2, [loneUp, ...placed]);
    for (let i = 0; i < 5; i++) {
      if (i < 3) m.trade(m.bestBid, 0.1 * 4 * 6 * m.unit, "sell");
      m.step([loneUp, ...placed]);
    }
    m.step([loneBefore, ...placed]); // the lone order goes first...
    for (let t = 100; t < stackLagMs; t += 100) m.step(placed);
    m.step(before); // ...the stack stackLagMs later
    m.run(3000);
    const found = detect(ETH, m.events);
    expect(ofType(found, "layering").length).toBe(1);
    expect(ofType(found, "spoofing")).toEqual([]);
  });
  /** A lone large ask pulled while a three-layer stack beside it rests 3 s more; `sellsAfter`: the bid keeps being hit meanwhile. */
  function loneBesideStack(sellsAfter: boolean): { events: MarketEvent[]; cancelTs: number } {
    const m = new TestMarket(ETH, 2, 11);
    m.run(60_000);
    const lone = m.bestAsk + 1, top = lone + 3;
    const at = (price: number) => m.book.side(ASK).qtyAt(price);
    const loneBefore: [number, number, number] = [ASK, lone, at(lone)];
    const loneUp: [number, number, number] = [ASK, lone, loneBefore[2] + 6 * m.unit];
    const before: [number, number, number][] = [], placed: [number, number, number][] = [];
    for (let i = 0; i < 3; i++) {
      before.push([ASK, top + i, at(top + i)]);
      placed.push([ASK, top + i, 6 * m.unit + before[i]![2]]);
    }
    m.step([loneUp]);
    m.step([loneUp, ...placed]);
    m.shift(-2, [loneUp, ...placed]);
    for (let i = 0; i < 5; i++) {
      if (i < 3) m.trade(m.bestBid, 0.1 * 4 * 6 * m.unit, "sell");
      m.step([loneUp, ...placed]);
    }
    m.step([loneBefore, ...placed]);
    const cancelTs = m.tsMs;
    for (let i = 0; i < 30; i++) {
      if (sellsAfter && i % 3 === 0 && i < 12) m.trade(m.bestBid, 0.1 * 4 * 6 * m.unit, "sell");
      m.step(placed);
    }
    m.step(before);
    m.run(3000);
    return { events: m.events, cancelTs };
  }
  test("a lone ask pulled while a stack stays and the bid keeps being hit after its cancel is the stack's scheme, not a spoof", () => {
    const quiet = loneBesideStack(false), busy = loneBesideStack(true);
    expect(ofType(detect(ETH, quiet.events), "spoofing").length).toBe(1); // the same ask, nobody trading after it: reported
    const found = detect(ETH, busy.events);
    expect(ofType(found, "spoofing")).toEqual([]);
    expect(ofType(found, "layering").length).toBe(1); // the stack's own alert, after its cancel
  });
  test("a lone ask pulled while a stack stays: it waits for the stack at most stackWaitMs, then is reported within 1 s", () => {
    const { events, cancelTs } = loneBesideStack(false);
    const spoofs = ofType(detect(ETH, events), "spoofing");
    expect(spoofs.length).toBe(1);
    const { holdMs, stackWaitMs } = withDefaults().spoofing;
    expect(spoofs[0]!.atTsMs - cancelTs).toBeGreaterThanOrEqual(holdMs + stackWaitMs);
    expect(spoofs[0]!.atTsMs - cancelTs).toBeLessThanOrEqual(1000);
  });
  test("two layers are not layering", () => {
    const m = new TestMarket(ETH, 2, 11);
    layers(m, 2);
    expect(ofType(detect(ETH, m.events), "layering")).toEqual([]);
  });
});
