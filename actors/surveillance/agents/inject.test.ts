import { beforeAll, describe, expect, test } from "bun:test";
import { loadRecordedEvents } from "../../analytics/recorded-events.ts";
import { OrderBook } from "../../book/order-book.ts";
import { ASK, BID, type MarketEvent, type SymbolSpec } from "../../../src/switchboard.ts";
import { RESTING_LIFETIME_MS } from "./calibration.ts";
import { TestMarket } from "../test-market.ts";
import { INJECTABLE_TYPES, injectEpisodes, type Episode, type InjectableType, type InjectionResult } from "./inject.ts";

const TYPES = Array.from({ length: 20 }, (_, i) => INJECTABLE_TYPES[i % INJECTABLE_TYPES.length]!);

function apply(book: OrderBook, event: MarketEvent): void {
  if (event.kind !== "book") return;
  if (event.reset) book.clear();
  for (let i = 0; i < event.levelQty.length; i++) book.apply(event.levelSide[i]!, event.levelPriceTicks[i]!, event.levelQty[i]!);
}

function sameBook(a: OrderBook, b: OrderBook): boolean {
  for (const side of [BID, ASK]) {
    const x = a.side(side), y = b.side(side);
    if (x.count !== y.count) return false;
    for (let i = 0; i < x.count; i++) if (x.priceTicksAt(i) !== y.priceTicksAt(i) || Math.abs(x.qtyAtLevel(i) - y.qtyAtLevel(i)) > 1e-9) return false;
  }
  return true;
}

const active = (episodes: readonly Episode[], tsMs: number) => episodes.find((e) => tsMs >= e.tsStart && tsMs <= e.tsEnd);

describe("injector on a real recording", () => {
  let spec: SymbolSpec;
  let real: MarketEvent[];
  let result: InjectionResult;
  beforeAll(async () => {
    ({ spec, events: real } = await loadRecordedEvents("btcusdt_20240718.gz"));
    result = injectEpisodes(real, spec, TYPES, 42);
  });

  test("every real event passes through once, in order, and the labels cover the types asked for", () => {
    expect(result.synthetic.length).toBe(result.events.length);
    const passed = result.events.filter((_, i) => result.synthetic[i] === 0);
    expect(passed.length).toBe(real.length);
    for (let i = 0; i < real.length; i++) expect(passed[i]!.exchTsMs).toBe(real[i]!.exchTsMs);
    expect(result.used).toBeGreaterThanOrEqual(15);
    expect(result.episodes.map((e) => e.type)).toEqual(TYPES.slice(0, result.used));
    for (let i = 1; i < result.episodes.length; i++) expect(result.episodes[i]!.tsStart).toBeGreaterThan(result.episodes[i - 1]!.tsEnd + 1000);
  });

  test("the injected book is the real book plus the resting synthetic orders, never crossed", () => {
    const shown = new OrderBook();
    const truth = new OrderBook();
    let r = 0;
    let compared = 0;
    let restingChecked = 0;
    for (let i = 0; i < result.events.length; i++) {
      const event = result.events[i]!;
      apply(shown, event);
      if (result.synthetic[i] === 0) apply(truth, real[r++]!);
      if (!truth.isCrossed) expect(shown.isCrossed).toBe(false);
      const episode = active(result.episodes, event.exchTsMs);
      if (!episode) {
        // Outside every episode nothing synthetic rests: the books are identical.
        expect(sameBook(shown, truth)).toBe(true);
        compared++;
      } else if ((episode.type === "spoofing" || episode.type === "layering") && event.exchTsMs > episode.tsStart && event.exchTsMs < episode.tsEnd) {
        episode.priceTicks.forEach((price, k) => {
          const side = episode.side === "bid" ? BID : ASK;
          expect(shown.side(side).qtyAt(price)).toBeCloseTo(truth.side(side).qtyAt(price) + episode.qty[k]!, 9);
          restingChecked++;
        });
      }
    }
    expect(compared).toBeGreaterThan(real.length / 2);
    expect(restingChecked).toBeGreaterThan(50);
  });

  test("each episode has the shape of its pattern", () => {
    const injectedIn = (e: Episode) => result.events.filter((ev, i) => result.synthetic[i] === 1 && ev.exchTsMs >= e.tsStart && ev.exchTsMs <= e.tsEnd);
    for (const e of result.episodes) {
      const mine = injectedIn(e);
      const trades = mine.filter((ev) => ev.kind === "trade");
      const books = mine.filter((ev) => ev.kind === "book");
      if (e.type === "spoofing" || e.type === "layering") {
        expect(e.priceTicks.length).toBe(e.type === "spoofing" ? 1 : e.priceTicks.length);
        if (e.type === "layering") {
          expect(e.priceTicks.length).toBeGreaterThanOrEqual(3);
          for (let k = 1; k < e.priceTicks.length; k++) expect(Math.abs(e.priceTicks[k]! - e.priceTicks[k - 1]!)).toBe(1);
        }
        expect(e.tsEnd - e.tsStart).toBeLessThanOrEqual(Math.ceil(RESTING_LIFETIME_MS.max));
        // placed in one update, cancelled in one update, unless the market crossed it first: then the
        // real update that crossed it took it out, and the episode is marked overrun (void in the eval)
        if (e.overrun) expect(books.length).toBeLessThanOrEqual(e.type === "spoofing" ? 1 : 2);
        else expect(books.length).toBe(2);
        expect(books[0]!.levelQty.length).toBe(e.priceTicks.length);
      } else if (e.type === "quote_stuffing") {
        expect(e.tsEnd - e.tsStart).toBeLessThan(1000);
        expect(books.length).toBeGreaterThanOrEqual(400);
        expect(trades.length).toBe(0);
      } else if (e.type === "momentum_ignition") {
        const sweep = trades.filter((t) => t.side === (e.side === "ask" ? "buy" : "sell"));
        expect(sweep.length).toBeGreaterThanOrEqual(3);
        expect(trades.length - sweep.length).toBeGreaterThanOrEqual(2);
        const prices = sweep.map((t) => t.priceTicks);
        expect(Math.abs(prices.at(-1)! - prices[0]!)).toBeGreaterThanOrEqual(2);
      } else {
        expect(books.length).toBe(0);
        expect(trades.length % 2).toBe(0);
        for (let k = 0; k < trades.length; k += 2) {
          const [a, b] = [trades[k]!, trades[k + 1]!];
          expect(a.priceTicks).toBe(b.priceTicks);
          expect(a.qty).toBe(b.qty);
          expect(a.side).not.toBe(b.side);
          expect(b.exchTsMs - a.exchTsMs).toBeLessThan(100);
        }
      }
    }
  });

  test("resting episodes the market ran through are marked overrun, the others are not", () => {
    const resting = result.episodes.filter((e) => e.type === "spoofing" || e.type === "layering");
    expect(resting.some((e) => !e.overrun)).toBe(true);
    for (const e of result.episodes) if (e.type !== "spoofing" && e.type !== "layering") expect(e.overrun).toBe(false);
  });

  test("deterministic for a seed", () => {
    const again = injectEpisodes(real, spec, TYPES, 42);
    expect(again.episodes).toEqual(result.episodes);
    expect(again.events.length).toBe(result.events.length);
    const other = injectEpisodes(real, spec, TYPES, 43);
    expect(other.episodes).not.toEqual(result.episodes);
  });

  test("a stream of another symbol is refused", () => {
    expect(() => injectEpisodes(real, { ...spec, symbol: "ETHUSDT" }, TYPES, 1)).toThrow(/symbol=BTCUSDT/);
  });
});

describe("injector on a market that runs through the orders", () => {
  test("crossed resting episodes are marked overrun, and no synthetic order outlives its label", () => {
    const spec: SymbolSpec = { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 };
    const m = new TestMarket(spec, 0.05, 3);
    m.run(30_000);
    // Swings that grow faster than any recent move an agent sizes its distance on: it gets run over.
    for (let i = 0; i < 300; i++) m.shift((i % 2 === 0 ? 1 : -1) * (4 + 3 * Math.floor(i / 10)));
    const types: InjectableType[] = ["spoofing", "layering", "spoofing", "layering", "spoofing", "layering"];
    const result = injectEpisodes(m.events, spec, types, 4);
    const overrun = result.episodes.filter((e) => e.overrun);
    expect(overrun.some((e) => e.type === "spoofing")).toBe(true);
    expect(overrun.some((e) => e.type === "layering")).toBe(true);
    // Outside every episode the shown book is the real one: nothing synthetic was left resting.
    const shown = new OrderBook(), truth = new OrderBook();
    let r = 0;
    for (let i = 0; i < result.events.length; i++) {
      const event = result.events[i]!;
      apply(shown, event);
      if (result.synthetic[i] === 0) apply(truth, m.events[r++]!);
      if (!active(result.episodes, event.exchTsMs)) expect(sameBook(shown, truth)).toBe(true);
    }
  });
});
