import { describe, expect, test } from "bun:test";
import { ASK, BID, type BookUpdate, type SymbolSpec, type Trade } from "../../../src/switchboard.ts";
import { Overlay } from "./overlay.ts";

const SPEC: SymbolSpec = { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 };

function book(tsMs: number, levels: [number, number, number][], reset = false): BookUpdate {
  return {
    kind: "book", symbol: SPEC.symbol, exchTsMs: tsMs, localTsMs: tsMs, u: tsMs, reset, stale: false,
    levelSide: Uint8Array.from(levels.map((l) => l[0])), levelPriceTicks: Float64Array.from(levels.map((l) => l[1])), levelQty: Float64Array.from(levels.map((l) => l[2])),
    topBidPrice: new Float64Array(), topBidQty: new Float64Array(), topAskPrice: new Float64Array(), topAskQty: new Float64Array(),
  };
}
const trade = (tsMs: number, qty: number): Trade => ({ kind: "trade", symbol: SPEC.symbol, exchTsMs: tsMs, localTsMs: tsMs, tradeId: tsMs, priceTicks: 1000, price: 100, qty, side: "buy" });

describe("overlay: what the agents read about the recent market", () => {
  test("recent moves of the real mid over a horizon, and recent aggressive volume", () => {
    const o = new Overlay(SPEC);
    o.passReal(book(0, [[BID, 999, 1], [ASK, 1001, 1]], true));
    // The touch climbs 2 ticks every second for a minute; one 0.5 print a second.
    for (let s = 1; s <= 60; s++) {
      const b = 999 + 2 * s;
      o.passReal(book(s * 1000, [[BID, b - 2, 0], [ASK, b, 0], [BID, b, 1], [ASK, b + 2, 1]]));
      o.passReal(trade(s * 1000 + 10, 0.5));
    }
    expect(o.recentMoveTicks(60_000, 1000, 30_000, 0.75)).toBe(2);
    expect(o.recentMoveTicks(60_000, 4000, 30_000, 0.75)).toBe(8);
    // 0.5 a second over both sides' mean: 0.25 per side and second.
    expect(o.recentAggressorQtyPerSec(60_500, 30_000)).toBeCloseTo(0.25, 2);
    expect(new Overlay(SPEC).recentMoveTicks(1000, 500, 1000, 0.75)).toBe(0);
  });
});
