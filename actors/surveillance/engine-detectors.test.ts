/**
 * Quote stuffing, momentum ignition, wash trading and the context detectors
 * on scripted markets: each fires on its pattern and stays quiet on the
 * near-misses (a modest rate rise, a burst deep in the book, no reversal,
 * book change at the wash price). Spoofing and layering: engine.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { ASK } from "../../src/switchboard.ts";
import type { Alert } from "./alert.ts";
import { BTC, detect, ofType } from "./engine.testkit.ts";
import { withDefaults } from "./params.ts";
import { TestMarket } from "./test-market.ts";

/** Exactly one alert, scoring >= 50, on `side`. */
function expectOneAlert(found: { alert: Alert }[], side: "bid" | "ask"): void {
  expect(found.length).toBe(1);
  expect(found[0]!.alert.score).toBeGreaterThanOrEqual(50);
  expect(found[0]!.alert.side).toBe(side);
}

describe("quote stuffing", () => {
  function stuff(m: TestMarket, changesPerFrame: number, trades: boolean, firstTick = 2): void {
    m.run(60_000);
    for (let f = 0; f < 20; f++) {
      const extra: [number, number, number][] = [];
      // Within a few ticks of the touch, where stuffing crowds the book (deep changes are not counted).
      for (let k = 0; k < changesPerFrame; k++) extra.push([ASK, m.mid + firstTick + (k % 8), f % 2 === 0 ? m.unit : 0]);
      if (trades) for (let k = 0; k < 10; k++) m.trade(m.bestAsk, 0.01 * m.unit, "buy");
      m.step(extra);
    }
    m.run(5000);
  }
  test("a burst of add/cancel messages with no trading is flagged", () => {
    const m = new TestMarket(BTC, 0.05, 5);
    stuff(m, 60, false);
    const found = ofType(detect(BTC, m.events), "quote_stuffing");
    expectOneAlert(found, "ask");
  });
  test("a modest rise in message rate is not", () => {
    const m = new TestMarket(BTC, 0.05, 5);
    stuff(m, 3, false);
    expect(ofType(detect(BTC, m.events), "quote_stuffing")).toEqual([]);
  });
  test("the same burst deep in the book (a repricing far from the touch) is not", () => {
    const m = new TestMarket(BTC, 0.05, 5, 100_000, 60);
    stuff(m, 60, false, 30);
    expect(ofType(detect(BTC, m.events), "quote_stuffing")).toEqual([]);
  });
});

describe("momentum ignition", () => {
  function ignite(m: TestMarket, reverse: boolean): void {
    for (let s = 0; s < 120; s++) {
      m.run(900);
      m.shift(s % 2 === 0 ? 1 : -1);
    }
    for (let i = 0; i < 10; i++) {
      m.trade(m.bestAsk, 0.5 * m.unit, "buy");
      m.trade(m.bestAsk, 0.5 * m.unit, "buy");
      m.shift(2);
    }
    m.run(500);
    if (reverse) {
      // It unwinds (sells 80 % of what it bought at the bid) as the price falls back.
      for (let i = 0; i < 4; i++) {
        m.trade(m.bestBid, 2 * m.unit, "sell");
        m.tsMs += 30;
      }
      for (let i = 0; i < 10; i++) m.shift(-2);
    }
    m.run(3000);
  }
  test("a buy burst that lifts the mid far beyond its volatility and then reverses is flagged", () => {
    const m = new TestMarket(BTC, 0.05, 13);
    ignite(m, true);
    const found = ofType(detect(BTC, m.events), "momentum_ignition");
    expectOneAlert(found, "ask");
  });
  test("the same burst without a reversal is not", () => {
    const m = new TestMarket(BTC, 0.05, 13);
    ignite(m, false);
    expect(ofType(detect(BTC, m.events), "momentum_ignition")).toEqual([]);
  });
});

describe("wash trading", () => {
  function washes(m: TestMarket, count: number, touchBook: boolean): void {
    m.run(20_000);
    for (let i = 0; i < count; i++) {
      const price = m.bestAsk, qty = 1.234 * m.unit;
      m.trade(price, qty, "buy");
      m.tsMs += 20;
      m.trade(price, qty, "sell");
      m.tsMs += 80;
      // touchBook: the prints took the displayed ask (the level shrinks by their size), as a genuine trade does.
      m.frame(touchBook ? [[ASK, price, Math.max(0, m.book.side(ASK).qtyAt(price) - qty)]] : []);
      m.run(5000);
    }
  }
  test("repeated opposite prints of identical price and size with no book change score >= 50", () => {
    const m = new TestMarket(BTC, 0.05, 17);
    m.backgroundTrades = false;
    washes(m, 3, false);
    const found = ofType(detect(BTC, m.events), "wash_trading").map((f) => f.alert);
    expect(found.length).toBe(3);
    expect(found[0]!.score).toBeLessThan(50); // one coincidence is not an accusation
    expect(found[2]!.score).toBeGreaterThanOrEqual(50);
  });
  test("a busy touch (liquidity added at the price meanwhile) does not hide the pairs", () => {
    const m = new TestMarket(BTC, 0.05, 17);
    m.backgroundTrades = false;
    m.run(20_000);
    for (let i = 0; i < 3; i++) {
      const price = m.bestAsk, qty = 1.234 * m.unit;
      m.trade(price, qty, "buy");
      m.tsMs += 20;
      m.trade(price, qty, "sell");
      m.tsMs += 80;
      m.frame([[ASK, price, m.book.side(ASK).qtyAt(price) + 0.5 * m.unit]]);
      m.run(5000);
    }
    expect(ofType(detect(BTC, m.events), "wash_trading").length).toBe(3);
  });
  test("pairs that consumed displayed liquidity are not wash indicators", () => {
    const m = new TestMarket(BTC, 0.05, 17);
    m.backgroundTrades = false;
    washes(m, 3, true);
    expect(ofType(detect(BTC, m.events), "wash_trading")).toEqual([]);
  });
});

describe("context detectors", () => {
  test("a wide empty gap near the touch is a low-severity liquidity_gap", () => {
    const m = new TestMarket(BTC, 0.05, 19);
    m.run(90_000);
    const gone: [number, number, number][] = [];
    for (let k = 2; k <= 9; k++) gone.push([ASK, m.mid + k, 0]);
    for (let i = 0; i < 20; i++) m.frame(gone, false), (m.tsMs += 100);
    m.run(2000);
    const found = ofType(detect(BTC, m.events), "liquidity_gap");
    expect(found.length).toBeGreaterThanOrEqual(1);
    expect(found[0]!.alert.side).toBe("ask");
    expect(found[0]!.alert.score).toBeLessThan(50);
  });
  test("unknown parameters are rejected", () => {
    expect(() => withDefaults({ spoofing: { sizeMultipel: 3 } as never })).toThrow(/spoofing.sizeMultipel/);
    expect(withDefaults({ spoofing: { sizeMultiple: 5 } }).spoofing.sizeMultiple).toBe(5);
  });
});
