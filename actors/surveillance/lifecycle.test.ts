/** Lifecycle inference: adds, trade-explained decreases, cancels, and large-episode tracking. */
import { describe, expect, test } from "bun:test";
import { ASK, BID, type SymbolSpec } from "../../src/switchboard.ts";
import { Lifecycle } from "./lifecycle.ts";
import { DEFAULT_PARAMS } from "./params.ts";
import { TestMarket } from "./test-market.ts";

const SPEC: SymbolSpec = { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 };

function warmed(): { m: TestMarket; life: Lifecycle; feed: () => void } {
  const m = new TestMarket(SPEC, 1, 2);
  const life = new Lifecycle(SPEC, DEFAULT_PARAMS.lifecycle);
  let fed = 0;
  const feed = () => {
    for (; fed < m.events.length; fed++) {
      const e = m.events[fed]!;
      if (e.kind === "book") life.onBook(e);
      else life.onTrade(e);
    }
  };
  m.run(30_000);
  feed();
  life.closed.length = 0;
  return { m, life, feed };
}

describe("lifecycle", () => {
  test("counts adds, trade-explained decreases and cancels per update", () => {
    const { m, life, feed } = warmed();
    m.backgroundTrades = false;
    m.tsMs += 1500; // older unexplained prints expire (tradeMatchMs)
    const price = m.bestAsk;
    const q = m.book.side(ASK).qtyAt(price);
    m.trade(price, q / 4, "buy"); // explains a quarter of the next decrease
    m.frame([[ASK, price, q / 2], [BID, m.bestBid - 3, m.book.side(BID).qtyAt(m.bestBid - 3) + 5]]);
    feed();
    expect(life.counts).toEqual({ adds: 1, cancels: 1, consumed: 1, cancelsBySide: [0, 1] });
    m.frame([[ASK, price, 0]]);
    feed();
    expect(life.counts.consumed).toBe(0); // the trade was used up by the earlier decrease
    expect(life.counts.cancels).toBe(1);
  });

  test("a large add is tracked as an episode: lifetime, distance, traded vs cancelled, settle delay", () => {
    const { m, life, feed } = warmed();
    m.backgroundTrades = false;
    const price = m.bestBid - 2;
    const base = m.book.side(BID).qtyAt(price);
    m.frame([[BID, price, base + 40]]);
    const t0 = m.tsMs;
    m.tsMs += 700;
    m.trade(price, base + 10, "sell"); // eats the base first, then 10 of the episode
    m.frame([[BID, price, 30]]);
    m.tsMs += 300;
    m.frame([[BID, price, 0]]);
    const tEnd = m.tsMs;
    feed();
    expect(life.closed).toEqual([]); // waiting settleMs for late prints
    m.tsMs += DEFAULT_PARAMS.lifecycle.settleMs;
    m.frame([]);
    feed();
    expect(life.closed.length).toBe(1);
    const ep = life.closed[0]!;
    expect(ep.side).toBe(BID);
    expect(ep.priceTicks).toBe(price);
    expect(ep.startTsMs).toBe(t0);
    expect(ep.endTsMs).toBe(tEnd);
    expect(ep.distTicksAtAdd).toBe(2);
    expect(ep.addedQty).toBeCloseTo(40, 9);
    expect(ep.tradedQty).toBeCloseTo(10, 9);
    expect(ep.cancelledQty).toBeCloseTo(30, 9);
    expect(ep.levelTradedQty).toBeCloseTo(base + 10, 9);
  });

  test("a large add is its own order: small flow just before it at the level stays out of its episode", () => {
    const { m, life, feed } = warmed();
    m.backgroundTrades = false;
    const price = m.bestBid - 2;
    const base = m.book.side(BID).qtyAt(price);
    m.frame([[BID, price, base + 1.5]]); // small (reference ~1, tracked from 2x): another order
    m.tsMs += 200;
    m.frame([[BID, price, base + 11.5]]);
    const t0 = m.tsMs;
    m.tsMs += 700;
    m.frame([[BID, price, base + 1.5]]); // the large order pulled; the small one rests on
    const tEnd = m.tsMs;
    m.tsMs += DEFAULT_PARAMS.lifecycle.settleMs;
    m.frame([]);
    feed();
    expect(life.closed.length).toBe(1);
    const ep = life.closed[0]!;
    expect(ep.startTsMs).toBe(t0);
    expect(ep.endTsMs).toBe(tEnd);
    expect(ep.addedQty).toBeCloseTo(10, 9);
    expect(ep.cancelledQty).toBeCloseTo(10, 9);
  });

  test("a print that trails the depth frame turns a cancel into a trade", () => {
    const { m, life, feed } = warmed();
    m.backgroundTrades = false;
    const price = m.bestAsk + 1;
    const base = m.book.side(ASK).qtyAt(price);
    m.frame([[ASK, price, base + 40]]);
    m.tsMs += 500;
    m.frame([[ASK, price, base]]);
    m.tsMs += 20;
    m.trade(price, 40, "buy");
    m.tsMs += 200;
    m.frame([]);
    feed();
    const ep = life.closed[0]!;
    expect(ep.tradedQty).toBeCloseTo(40, 9);
    expect(ep.cancelledQty).toBeCloseTo(0, 9);
  });

  test("size reference adapts to the symbol's sizes", () => {
    const small = new TestMarket(SPEC, 0.01, 4), big = new TestMarket(SPEC, 10, 4);
    small.run(30_000);
    big.run(30_000);
    const ref = (m: TestMarket) => {
      const life = new Lifecycle(SPEC, DEFAULT_PARAMS.lifecycle);
      for (const e of m.events) e.kind === "book" ? life.onBook(e) : life.onTrade(e);
      return life.refQty();
    };
    expect(ref(big) / ref(small)).toBeCloseTo(1000, -2);
  });
});
