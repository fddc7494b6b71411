import { describe, expect, test } from "bun:test";
import type { AggressorSide, BookUpdate, Trade } from "../../../src/switchboard.ts";
import type { Alert } from "../alert.ts";
import { withDefaults } from "../params.ts";
import { WashTradingDetector } from "./wash-trading.ts";

/** Every size counts (minSizeMultiple 0): the tests are about pairing. */
const P = { ...withDefaults().washTrading, minSizeMultiple: 0 };
let nextId = 1;

function trade(tsMs: number, side: AggressorSide, priceTicks: number, qty: number): Trade {
  return { kind: "trade", symbol: "X", exchTsMs: tsMs, localTsMs: tsMs, tradeId: nextId++, priceTicks, price: priceTicks / 10, qty, side };
}

/** A frame that leaves every level as it was (no consumption seen). */
function frame(tsMs: number): BookUpdate {
  const none = new Float64Array(0);
  return { kind: "book", symbol: "X", exchTsMs: tsMs, localTsMs: tsMs, u: tsMs, reset: false, stale: false, levelSide: new Uint8Array(0), levelPriceTicks: none, levelQty: none, topBidPrice: none, topBidQty: none, topAskPrice: none, topAskQty: none };
}

/** Feeds the trades, then a frame after the last: the confirmed pairs as [first, second] trade ids. */
function pairs(trades: Trade[], params = P): number[][] {
  const d = new WashTradingDetector("X", params);
  const out: Alert[] = [];
  for (const t of trades) d.onTrade(t);
  d.onBook(frame(trades[trades.length - 1]!.exchTsMs + 1), () => 0, out);
  return out.map((a) => (a.evidence.relatedTrades as { tradeId: number }[]).map((t) => t.tradeId));
}

describe("wash trading pairs", () => {
  test("the oldest opposite print of the same price and size within the window; each print pairs once", () => {
    const a = trade(0, "buy", 100, 2), b = trade(10, "buy", 100, 2), c = trade(20, "sell", 100, 2), d = trade(30, "sell", 100, 2), e = trade(40, "sell", 100, 2);
    expect(pairs([a, b, c, d, e])).toEqual([[a.tradeId, c.tradeId], [b.tradeId, d.tradeId]]);
  });

  test("not across the window, another price, another size or the same aggressor", () => {
    const a = trade(0, "buy", 100, 2);
    expect(pairs([a, trade(P.pairWindowMs + 1, "sell", 100, 2)])).toEqual([]);
    expect(pairs([a, trade(5, "sell", 101, 2), trade(6, "sell", 100, 2.5), trade(7, "buy", 100, 2)])).toEqual([]);
    // Dropped prints leave the window in order; a later one inside it still pairs.
    const b = trade(50, "buy", 100, 2), c = trade(P.pairWindowMs + 20, "sell", 100, 2);
    expect(pairs([a, b, c])).toEqual([[b.tradeId, c.tradeId]]);
  });

  test("prints that left the window stay out, however many there were", () => {
    // Three prints, then one after the window drops them all: the next opposite print of the
    // second's price and size, inside the window of the fourth but not of the second, pairs with nothing.
    const w = P.pairWindowMs;
    const a = trade(0, "buy", 100, 1), b = trade(1, "buy", 101, 2), c = trade(2, "buy", 102, 3);
    const d = trade(w + 50, "buy", 200, 5), e = trade(w + 51, "sell", 101, 2), f = trade(w + 52, "sell", 200, 5);
    expect(pairs([a, b, c, d, e, f])).toEqual([[d.tradeId, f.tradeId]]);
  });

  test("a pair's size is at least minSizeMultiple x the median size of the prints before it", () => {
    const params = { ...P, minSizeMultiple: 1 };
    // Sizes 1..64 far apart (median 33), all buys at distinct prices: none pair.
    const before = Array.from({ length: 64 }, (_, i) => trade(i * 1000, "buy", 1000 + i, i + 1));
    const t0 = 200_000;
    const small = [trade(t0, "buy", 100, 30), trade(t0 + 1, "sell", 100, 30)];
    const large = [trade(t0 + 1000, "buy", 101, 40), trade(t0 + 1001, "sell", 101, 40)];
    expect(pairs([...before, ...small, ...large], params)).toEqual([[large[0]!.tradeId, large[1]!.tradeId]]);
    expect(pairs([...before, ...small], { ...params, minSizeMultiple: 0.9 })).toEqual([[small[0]!.tradeId, small[1]!.tradeId]]);
    // An empty size window (tradeWindow 0) has no median: nothing is large enough once a print was seen.
    expect(pairs(small, { ...params, tradeWindow: 0 })).toEqual([]);
  });
});

describe("wash trading window", () => {
  /** The pairing rule, plainly: each print scans the prints kept so far, dropping those it finds out of the window for good. */
  function referencePairs(trades: Trade[], windowMs: number): number[][] {
    let kept: Trade[] = [];
    const paired = new Set<Trade>(), out: number[][] = [];
    for (const t of trades) {
      kept = kept.filter((x) => t.exchTsMs - x.exchTsMs <= windowMs);
      const partner = kept.find((x) => x.priceTicks === t.priceTicks && Math.abs(x.qty - t.qty) <= 1e-12 * t.qty && x.side !== t.side && !paired.has(x));
      if (partner) {
        paired.add(partner).add(t);
        out.push([partner.tradeId, t.tradeId]);
      }
      kept.push(t);
    }
    return out;
  }

  test("times out of order (a print stamped before earlier ones, bursts, NaN): the same pairs as the plain rule", () => {
    let state = 12345;
    const rand = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let run = 0; run < 6; run++) {
      const trades: Trade[] = [];
      let ts = 0;
      for (let i = 0; i < 3000; i++) {
        const r = rand();
        // Mostly forward (bursts at one time), now and then back by up to 1.5 windows; rarely NaN.
        ts = r < 0.05 ? ts - 150 * rand() : r < 0.3 ? ts : ts + 40 * rand();
        const at = run > 2 && rand() < 0.002 ? NaN : Math.round(ts);
        trades.push(trade(at, rand() < 0.5 ? "buy" : "sell", 100 + Math.floor(3 * rand()), 1 + Math.floor(2 * rand())));
      }
      const d = new WashTradingDetector("X", P);
      const out: Alert[] = [];
      for (const t of trades) d.onTrade(t);
      d.onBook(frame(Infinity), () => 0, out);
      const got = out.map((a) => (a.evidence.relatedTrades as { tradeId: number }[]).map((t) => t.tradeId));
      const want = referencePairs(trades, P.pairWindowMs);
      expect(want.length).toBeGreaterThan(100);
      expect(got).toEqual(want);
    }
  });
});
