import { describe, expect, test } from "bun:test";
import { KNOWN_SYMBOLS } from "../../../src/symbols.ts";
import { simInstrumentFor } from "./instruments.ts";
import { EventKind, OrderFlow } from "./order-flow.ts";
import { Sfc32 } from "./prng.ts";
import { ASK_SIDE, BID_SIDE, distanceBucket, SimBook } from "./sim-book.ts";

const WEIGHTS = new Float64Array([4096, 2048, 1024, 512, 256, 128, 64, 32, 16, 8, 4, 2]);

/** bids at 1000, 998, 990; asks at 1001, 1003, 1010 (1 order of `lots` each). */
function smallBook(bandTicks = 200, lots = 10): SimBook {
  const book = new SimBook(bandTicks, WEIGHTS);
  book.reset(1000, 1001);
  for (const p of [1000, 998, 990]) book.seedLevel(BID_SIDE, p, lots, 1);
  for (const p of [1001, 1003, 1010]) book.seedLevel(ASK_SIDE, p, lots, 1);
  return book;
}

function changes(book: SimBook): [number, number, number][] {
  return Array.from({ length: book.changeCount }, (_, i) => [book.changeSide[i]!, book.changePriceTicks[i]!, book.qtyAt(book.changePriceTicks[i]!)]);
}

describe("SimBook", () => {
  test("distance buckets are octaves", () => {
    expect([1, 2, 3, 4, 7, 8, 1023, 1024, 1800].map(distanceBucket)).toEqual([0, 1, 1, 2, 2, 3, 9, 10, 10]);
  });

  test("a limit order joins its level, or becomes the best inside the spread and re-buckets the other side", () => {
    const book = smallBook();
    book.beginEvent();
    book.addLimit(BID_SIDE, 1, 5); // bestAsk - 1 = 1000: joins the best bid
    expect([book.bestBid, book.qtyAt(1000), book.orderCount[1000]]).toEqual([1000, 15, 2]);
    book.beginEvent();
    book.cancel(ASK_SIDE, 1001); // spread now 1000 x 1003
    book.beginEvent();
    book.addLimit(BID_SIDE, 1, 4); // 1002: inside the spread
    expect([book.bestBid, book.bestAsk]).toEqual([1002, 1003]);
    expect(changes(book)).toEqual([[BID_SIDE, 1002, 4]]);
    book.beginEvent();
    book.addLimit(ASK_SIDE, 1, 6); // bestBid + 1 = 1003: joins the best ask
    expect(book.qtyAt(1003)).toBe(16);
    expect(book.checkCancelWeights()).toBe(true);
  });

  test("cancelling the last order at the touch moves the touch", () => {
    const book = smallBook();
    book.beginEvent();
    expect(book.cancel(ASK_SIDE, 1001)).toBe(10);
    expect(book.bestAsk).toBe(1003);
    expect(changes(book)).toEqual([[ASK_SIDE, 1001, 0]]);
    expect(book.checkCancelWeights()).toBe(true);
  });

  test("a cancel removes one order of the level's mean size", () => {
    const book = new SimBook(200, WEIGHTS);
    book.reset(1000, 1001);
    book.seedLevel(BID_SIDE, 1000, 30, 3);
    book.seedLevel(ASK_SIDE, 1001, 5, 1);
    book.beginEvent();
    expect(book.cancel(BID_SIDE, 1000)).toBe(10);
    expect([book.qtyAt(1000), book.orderCount[1000]]).toEqual([20, 2]);
  });

  test("the last level of a side is never emptied", () => {
    const book = new SimBook(200, WEIGHTS);
    book.reset(1000, 1001);
    book.seedLevel(BID_SIDE, 1000, 3, 1);
    book.seedLevel(ASK_SIDE, 1001, 3, 2);
    book.beginEvent();
    expect(book.cancel(BID_SIDE, 1000)).toBe(0);
    expect(book.marketOrder(BID_SIDE, 100)).toBe(2); // buy: takes all but one lot of the only ask
    expect(book.qtyAt(1001)).toBe(1);
    expect(book.levelCount).toEqual([1, 1]);
  });

  test("a large market sell sweeps bids level by level from the touch", () => {
    const book = smallBook();
    book.beginEvent();
    expect(book.marketOrder(ASK_SIDE, 25)).toBe(25);
    const trades = Array.from({ length: book.tradeCount }, (_, i) => [book.tradePriceTicks[i], book.tradeLots[i]]);
    expect(trades).toEqual([[1000, 10], [998, 10], [990, 5]]);
    expect(book.bestBid).toBe(990);
    expect(book.qtyAt(990)).toBe(5);
    expect(changes(book)).toEqual([[BID_SIDE, 1000, 0], [BID_SIDE, 998, 0], [BID_SIDE, 990, 5]]);
    expect(book.checkCancelWeights()).toBe(true);
  });

  test("orders beyond the band are withdrawn when the opposite touch moves away", () => {
    const book = new SimBook(20, WEIGHTS);
    book.reset(1000, 1001);
    for (const p of [1000, 990, 982]) book.seedLevel(BID_SIDE, p, 4, 1); // 982 is 19 ticks from the ask
    book.seedLevel(ASK_SIDE, 1001, 4, 1);
    book.seedLevel(ASK_SIDE, 1005, 4, 1);
    book.beginEvent();
    book.cancel(ASK_SIDE, 1001); // best ask -> 1005: bids must be >= 985
    expect(book.bestAsk).toBe(1005);
    expect(book.qtyAt(982)).toBe(0);
    expect(changes(book)).toEqual([[ASK_SIDE, 1001, 0], [BID_SIDE, 982, 0]]);
    expect(book.checkCancelWeights()).toBe(true);
  });

  test("a sweep of more than 128 ticks re-buckets the whole opposite side", () => {
    const book = new SimBook(1000, WEIGHTS);
    book.reset(10_000, 10_001);
    for (let d = 0; d < 600; d += 3) book.seedLevel(BID_SIDE, 10_000 - d, 5, 1);
    book.seedLevel(ASK_SIDE, 10_001, 5, 1);
    book.seedLevel(ASK_SIDE, 10_300, 5, 1);
    book.seedLevel(ASK_SIDE, 10_900, 5, 1);
    book.beginEvent();
    book.marketOrder(BID_SIDE, 5);
    expect(book.bestAsk).toBe(10_300);
    expect(book.checkCancelWeights()).toBe(true);
  });

  test.each(Object.keys(KNOWN_SYMBOLS))("%s: the order flow keeps every invariant over 100k events", (symbol) => {
    const flow = new OrderFlow(simInstrumentFor(symbol), Sfc32.seeded(42, 7));
    const start = Math.round(flow.instrument.startPrice / flow.instrument.spec.tickSize);
    flow.seed(start);
    const book = flow.book;
    expect(book.checkCancelWeights()).toBe(true);
    const kinds = [0, 0, 0];
    for (let i = 1; i <= 100_000; i++) {
      kinds[flow.step()]++;
      if (!(book.bestBid < book.bestAsk) || book.levelCount[0] === 0 || book.levelCount[1] === 0) {
        throw new Error(`invariant broken at event ${i}: bid=${book.bestBid} ask=${book.bestAsk} levels=${book.levelCount}`);
      }
      if (book.changeCount === 0) throw new Error(`event ${i} changed nothing`);
      if (i % 5_000 === 0) expect(book.checkCancelWeights()).toBe(true);
    }
    // All three kinds of events occur, limit orders and cancels dominate.
    expect(kinds[EventKind.limit]).toBeGreaterThan(35_000);
    expect(kinds[EventKind.cancel]).toBeGreaterThan(35_000);
    expect(kinds[EventKind.market]).toBeGreaterThan(1_000);
  });
});

test("near price zero the flow places no bid at or below zero", () => {
  const flow = new OrderFlow(simInstrumentFor("DOGEUSDT"), Sfc32.seeded(1, 1));
  flow.seed(60); // 0.00060: most of the 1800-tick band would be below zero
  for (let i = 0; i < 20_000; i++) {
    flow.step();
    const prices: number[] = [];
    flow.book.readLevels(BID_SIDE, 5000, prices, []);
    if (prices.length > 0 && prices[prices.length - 1]! < 1) throw new Error(`bid at ${prices[prices.length - 1]} after event ${i}`);
  }
});
