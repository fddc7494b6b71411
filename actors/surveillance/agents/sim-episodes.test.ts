import { describe, expect, test } from "bun:test";
import { OrderBook } from "../../book/order-book.ts";
import { INJECTABLE_TYPES } from "./inject.ts";
import { simulatedEpisodes, simulateCleanStreams } from "./sim-episodes.ts";

describe("simulated labelled streams", () => {
  const types = Array.from({ length: 10 }, (_, i) => INJECTABLE_TYPES[i % INJECTABLE_TYPES.length]!);
  const streams = simulatedEpisodes(3, ["BTCUSDT", "ETHUSDT"], types);

  test("every type asked for is labelled, dealt over the symbols", () => {
    const episodes = streams.flatMap((s) => s.episodes);
    expect(episodes.length).toBe(10);
    for (const type of INJECTABLE_TYPES) expect(episodes.filter((e) => e.type === type).length).toBe(2);
    for (const s of streams) for (const e of s.episodes) expect(e.symbol).toBe(s.spec.symbol);
  });

  test("injected streams start with a snapshot, stay uncrossed and end equal to the clean book", () => {
    for (const s of streams) {
      expect(s.events[0]!.kind === "book" && s.events[0]!.reset).toBe(true);
      const shown = new OrderBook();
      const clean = new OrderBook();
      for (const [events, book] of [[s.events, shown], [s.clean, clean]] as const) {
        for (const e of events) {
          if (e.kind !== "book") continue;
          if (e.reset) book.clear();
          for (let i = 0; i < e.levelQty.length; i++) book.apply(e.levelSide[i]!, e.levelPriceTicks[i]!, e.levelQty[i]!);
          if (book === shown) expect(book.isCrossed).toBe(false);
        }
      }
      expect(shown.bestBidTicks).toBe(clean.bestBidTicks);
      expect(shown.bids.count).toBe(clean.bids.count);
      expect(shown.asks.count).toBe(clean.asks.count);
    }
  });

  test("deterministic for a seed", () => {
    const a = simulateCleanStreams(5, ["BTCUSDT"], 20_000);
    const b = simulateCleanStreams(5, ["BTCUSDT"], 20_000);
    expect(a[0]!.events.length).toBe(b[0]!.events.length);
    expect(a[0]!.events.at(-1)).toEqual(b[0]!.events.at(-1)!);
    expect(simulatedEpisodes(3, ["BTCUSDT", "ETHUSDT"], types).flatMap((s) => s.episodes)).toEqual(streams.flatMap((s) => s.episodes));
  });
});
