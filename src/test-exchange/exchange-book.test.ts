import { describe, expect, test } from "bun:test";
import { ExchangeBook } from "./exchange-book.ts";

describe("ExchangeBook", () => {
  test("keeps Binance's strings, sorted best first, and removes zero quantities", () => {
    const book = new ExchangeBook("BTCUSDT");
    book.reset(10, [["100.10", "1.000"], ["100.30", "2.000"], ["100.20", "3.000"]], [["100.50", "1.500"], ["100.40", "0.500"]]);
    book.applyDiff(12, [["100.30", "0.000"], ["100.25", "4.000"], ["99.00", "0"]], [["100.40", "0.700"]]);
    expect(book.lastUpdateId).toBe(12);
    expect(JSON.parse(book.restBody(2, 111, 110))).toEqual({
      lastUpdateId: 12,
      E: 111,
      T: 110,
      bids: [["100.25", "4.000"], ["100.20", "3.000"]],
      asks: [["100.40", "0.700"], ["100.50", "1.500"]],
    });
    expect(book.levels()).toEqual({ u: 12, bidPrices: [100.25, 100.2, 100.1], bidQty: [4, 3, 1], askPrices: [100.4, 100.5], askQty: [0.7, 1.5] });
  });

  test("top(n): numeric, padded with NaN", () => {
    const book = new ExchangeBook("X");
    book.reset(1, [["2", "1"]], [["3", "5"], ["4", "6"]]);
    expect([...book.top(2)]).toEqual([2, Number.NaN, 1, Number.NaN, 3, 4, 5, 6]);
  });

  test("a price written with other decimals is the same level", () => {
    const book = new ExchangeBook("X");
    book.reset(1, [["1.50", "1"]], []);
    book.applyDiff(2, [["1.5", "0"]], []);
    expect(book.bidCount).toBe(0);
  });
});
