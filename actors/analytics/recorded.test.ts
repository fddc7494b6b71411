/**
 * The real Binance recordings: the loader rebuilds the book the exchange
 * had (checked against its own bookTicker messages), and both engines agree
 * on every row of every recording that starts from a REST snapshot.
 */
import { describe, expect, test } from "bun:test";
import { createFeatureEngine, nativeStatus } from "./engine.ts";
import { FEATURE_INDEX as F, FEATURE_NAMES } from "./feature-names.ts";
import { loadBookTickers, loadRecordedEvents, recordingPath, RECORDINGS_WITH_SNAPSHOT } from "./recorded-events.ts";
import { firstDifference } from "./test-events.ts";

const native = nativeStatus().available;

describe("recorded events loader", () => {
  test("btcusdt_20240718: snapshot first, then diffs and trades in order", async () => {
    const { spec, events } = await loadRecordedEvents("btcusdt_20240718.gz");
    expect(spec).toEqual({ symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 });
    const first = events[0]!;
    expect(first.kind === "book" && first.reset).toBe(true);
    expect(first.kind === "book" && first.levelSide.length).toBe(2000); // 1000 bids + 1000 asks
    const books = events.filter((e) => e.kind === "book");
    const trades = events.filter((e) => e.kind === "trade");
    expect(books.length).toBeGreaterThan(3000);
    expect(trades.length).toBeGreaterThan(900);
    expect(trades.some((t) => t.side === "buy") && trades.some((t) => t.side === "sell")).toBe(true);
    for (let i = 1; i < books.length; i++) expect(books[i]!.u).toBeGreaterThan(books[i - 1]!.u);
    for (const t of trades) expect(t.priceTicks).toBe(Math.round(t.price / spec.tickSize));
  });

  test.each(RECORDINGS_WITH_SNAPSHOT)("%s: the rebuilt best bid/ask equals the exchange's bookTicker", async (file) => {
    const { spec, events } = await loadRecordedEvents(file);
    const tickers = new Map((await loadBookTickers(file)).map((t) => [t.u, t]));
    const rows = createFeatureEngine("ts", spec).process(events);
    const books = events.filter((e) => e.kind === "book");
    let checked = 0;
    books.forEach((book, i) => {
      const ticker = tickers.get(book.u);
      if (!ticker) return;
      const v = rows[i]!.values;
      expect([v[F.best_bid], v[F.best_bid_qty], v[F.best_ask], v[F.best_ask_qty]]).toEqual([ticker.bidPrice, ticker.bidQty, ticker.askPrice, ticker.askQty]);
      checked++;
    });
    expect(checked).toBeGreaterThan(50);
  });
});

describe.skipIf(!native)("native vs TypeScript parity on the real recordings", () => {
  test.each(RECORDINGS_WITH_SNAPSHOT)("%s: every row agrees", async (file) => {
    const { spec, events } = await loadRecordedEvents(file);
    const ts = createFeatureEngine("ts", spec).process(events);
    const nat = createFeatureEngine("native", spec);
    const rows = nat.process(events);
    nat.dispose();
    expect(rows.length).toBe(events.filter((e) => e.kind === "book").length);
    expect(ts.length).toBe(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const diff = firstDifference(rows[r]!.values, ts[r]!.values, FEATURE_NAMES, 1e-9);
      if (diff) throw new Error(`${file} row ${r}: ${diff}`);
    }
    // Sanity on a real market: a defined, uncrossed touch and a cost to trade on most rows.
    const last = rows.at(-1)!.values;
    expect(last[F.best_bid]!).toBeLessThan(last[F.best_ask]!);
    expect(last[F.cost_buy_bps]!).toBeGreaterThanOrEqual(0);
    expect(last[F.depth_bid_50bps_qty]!).toBeGreaterThan(last[F.depth_bid_5bps_qty]!);
  });
});
