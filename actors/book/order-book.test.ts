import { describe, expect, test } from "bun:test";
import { ASK, BID } from "../../src/switchboard.ts";
import { OrderBook } from "./order-book.ts";

function sidePrices(book: OrderBook, side: number): number[] {
  const s = book.side(side);
  return Array.from(s.priceTicks.subarray(0, s.count));
}

describe("OrderBook", () => {
  test("keeps bids descending and asks ascending, best first", () => {
    const book = new OrderBook();
    for (const p of [100, 98, 99, 97]) book.apply(BID, p, 1);
    for (const p of [103, 101, 102]) book.apply(ASK, p, 1);
    expect(sidePrices(book, BID)).toEqual([100, 99, 98, 97]);
    expect(sidePrices(book, ASK)).toEqual([101, 102, 103]);
    expect(book.bestBidTicks).toBe(100);
    expect(book.bestAskTicks).toBe(101);
  });

  test.each([
    ["update in place", [[BID, 100, 1], [BID, 100, 3]], [100], [3]],
    ["remove with qty 0", [[BID, 100, 1], [BID, 99, 2], [BID, 100, 0]], [99], [2]],
    ["removing an absent level is a no-op", [[BID, 100, 1], [BID, 50, 0]], [100], [1]],
    ["remove the middle level", [[BID, 100, 1], [BID, 99, 2], [BID, 98, 3], [BID, 99, 0]], [100, 98], [1, 3]],
  ] as const)("%s", (_name, ops, prices, qty) => {
    const book = new OrderBook();
    for (const [side, p, q] of ops) book.apply(side, p, q);
    expect(sidePrices(book, BID)).toEqual([...prices]);
    expect(Array.from(book.bids.qty.subarray(0, book.bids.count))).toEqual([...qty]);
  });

  test("apply returns the previous quantity", () => {
    const book = new OrderBook();
    expect(book.apply(ASK, 10, 2)).toBe(0);
    expect(book.apply(ASK, 10, 5)).toBe(2);
    expect(book.apply(ASK, 10, 0)).toBe(5);
  });

  test("grows past its initial capacity and matches a reference map", () => {
    const book = new OrderBook();
    const reference = new Map<number, number>();
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 20_000; i++) {
      const price = 1000 + Math.floor(rand() * 2000);
      const qty = rand() < 0.3 ? 0 : Math.floor(rand() * 100) + 1;
      book.apply(BID, price, qty);
      if (qty === 0) reference.delete(price);
      else reference.set(price, qty);
    }
    const expected = [...reference.entries()].sort((a, b) => b[0] - a[0]);
    expect(book.bids.count).toBe(expected.length);
    expect(sidePrices(book, BID)).toEqual(expected.map(([p]) => p));
    expect(Array.from(book.bids.qty.subarray(0, book.bids.count))).toEqual(expected.map(([, q]) => q));
  });

  test.each([BID, ASK])("side %i: random inserts and removals near the touch and deep match a reference map", (side) => {
    const book = new OrderBook();
    const reference = new Map<number, number>();
    let seed = 11 + side;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 50_000; i++) {
      // Most changes near a drifting touch, some deep: both shift directions and every re-centring get exercised.
      const touch = 10_000 + Math.floor(i / 100);
      const offset = rand() < 0.8 ? Math.floor(rand() * 20) : Math.floor(rand() * 3000);
      const price = side === BID ? touch - offset : touch + offset;
      const qty = rand() < 0.4 ? 0 : Math.floor(rand() * 100) + 1;
      book.apply(side, price, qty);
      if (qty === 0) reference.delete(price);
      else reference.set(price, qty);
      if (i % 5000 === 0) book.side(side).priceTicks; // views must stay right across layout changes
    }
    const expected = [...reference.entries()].sort((a, b) => (side === BID ? b[0] - a[0] : a[0] - b[0]));
    const s = book.side(side);
    expect(s.count).toBe(expected.length);
    expect(Array.from(s.priceTicks)).toEqual(expected.map(([p]) => p));
    expect(Array.from(s.qty)).toEqual(expected.map(([, q]) => q));
    expect(s.priceTicksAt(0)).toBe(expected[0]![0]);
    expect(s.qtyAtLevel(1)).toBe(expected[1]![1]);
  });

  test("detects a crossed book", () => {
    const book = new OrderBook();
    book.apply(BID, 100, 1);
    book.apply(ASK, 101, 1);
    expect(book.isCrossed).toBe(false);
    book.apply(BID, 101, 1);
    expect(book.isCrossed).toBe(true);
  });
});
