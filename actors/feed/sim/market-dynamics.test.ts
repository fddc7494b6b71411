/**
 * The simulated market behaves like a market: the configured event rate,
 * tight spreads, hundreds of levels of depth, and a price that moves but
 * stays in a sane band over an hour of virtual time.
 */
import { describe, expect, test } from "bun:test";
import { KNOWN_SYMBOLS } from "../../../src/symbols.ts";
import { simInstrumentFor } from "./instruments.ts";
import { MarketSimulator } from "./market-simulator.ts";
import { OrderFlow } from "./order-flow.ts";
import { Sfc32 } from "./prng.ts";

const START_MS = 1_736_000_000_000;
const HOUR_MS = 3_600_000;

function topOfBook(sim: MarketSimulator, symbol: string): { bid: number; ask: number } {
  const snapshot = JSON.parse(sim.depthSnapshot(symbol, 1));
  return { bid: Number(snapshot.bids[0][0]), ask: Number(snapshot.asks[0][0]) };
}

describe("market dynamics", () => {
  test("an hour at the default rate: ~150 diffs/s per symbol, and a price that moves within a sane band", () => {
    const symbols = ["BTCUSDT", "ETHUSDT"];
    const sim = new MarketSimulator({ symbols, seed: 2024, startTsMs: START_MS });
    const diffs = new Map(symbols.map((s) => [s, 0]));
    const mids = new Map<string, number[]>(symbols.map((s) => [s, []]));
    const record = () => {
      for (const s of symbols) {
        const { bid, ask } = topOfBook(sim, s);
        mids.get(s)!.push((bid + ask) / 2);
      }
    };
    record();
    for (let minute = 1; minute <= 60; minute++) {
      for (const frame of sim.advanceTo(START_MS + minute * 60_000)) {
        if (frame.text.startsWith('{"stream":"btcusdt@depth')) diffs.set("BTCUSDT", diffs.get("BTCUSDT")! + 1);
        else if (frame.text.startsWith('{"stream":"ethusdt@depth')) diffs.set("ETHUSDT", diffs.get("ETHUSDT")! + 1);
      }
      record();
    }
    for (const symbol of symbols) {
      const ratePerS = diffs.get(symbol)! / (HOUR_MS / 1000);
      expect(Math.abs(ratePerS / 150 - 1)).toBeLessThan(0.1);
      const series = mids.get(symbol)!;
      const tickSize = KNOWN_SYMBOLS[symbol]!.tickSize;
      const start = series[0]!;
      // Moves: most minutes end at a different mid, and the hour covers many ticks.
      const changedMinutes = series.filter((mid, i) => i > 0 && mid !== series[i - 1]).length;
      expect(changedMinutes).toBeGreaterThan(50);
      expect((Math.max(...series) - Math.min(...series)) / tickSize).toBeGreaterThan(100);
      // Sane: within 3% of the start over the hour (hourly volatility is calibrated to ~0.1-0.5%).
      for (const mid of series) expect(Math.abs(mid / start - 1)).toBeLessThan(0.03);
      expect(Math.abs(start / simInstrumentFor(symbol).startPrice - 1)).toBeLessThan(0.001);
    }
  });

  test.each([[20], [1000]])("the measured diff rate follows a configured %p events/s", (rate) => {
    const sim = new MarketSimulator({ symbols: ["SOLUSDT"], seed: 3, startTsMs: START_MS, eventsPerSecondPerSymbol: rate });
    const seconds = 200_000 / rate;
    const frames = sim.advanceTo(START_MS + seconds * 1000);
    const diffs = frames.filter((f) => f.text.includes('"e":"depthUpdate"')).length;
    expect(Math.abs(diffs / seconds / rate - 1)).toBeLessThan(0.1);
    expect(sim.nowMs).toBe(START_MS + seconds * 1000);
  });

  test.each(Object.keys(KNOWN_SYMBOLS))("%s: spreads are mostly 1-2 ticks and each side holds hundreds of levels", (symbol) => {
    const instrument = simInstrumentFor(symbol);
    const flow = new OrderFlow(instrument, Sfc32.seeded(8, 1));
    flow.seed(Math.round(instrument.startPrice / instrument.spec.tickSize));
    const book = flow.book;
    let tight = 0;
    let oneTick = 0;
    let minLevels = Number.POSITIVE_INFINITY;
    const events = 200_000;
    for (let i = 0; i < events; i++) {
      flow.step();
      const spread = book.bestAsk - book.bestBid;
      if (spread <= 2) tight++;
      if (spread === 1) oneTick++;
      if (i % 1000 === 0) minLevels = Math.min(minLevels, book.levelCount[0]!, book.levelCount[1]!);
    }
    expect(tight / events).toBeGreaterThan(0.7);
    expect(oneTick / events).toBeGreaterThan(0.45);
    expect(minLevels).toBeGreaterThan(300);
  });

  test("the REST snapshot holds hundreds of levels per side with a one-tick spread at the start", () => {
    const sim = new MarketSimulator({ symbols: ["BTCUSDT", "ETHUSDT"], seed: 1, startTsMs: START_MS });
    for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
      const snapshot = JSON.parse(sim.depthSnapshot(symbol));
      expect(snapshot.bids.length).toBeGreaterThan(300);
      expect(snapshot.asks.length).toBeGreaterThan(300);
      const tick = KNOWN_SYMBOLS[symbol]!.tickSize;
      expect(Math.round((Number(snapshot.asks[0][0]) - Number(snapshot.bids[0][0])) / tick)).toBe(1);
    }
  });
});
