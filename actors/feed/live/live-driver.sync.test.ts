/**
 * Clean sync against the test exchange replaying real recordings: the
 * client's book equals the exchange's at every update id it applies (top 20
 * levels) and at every checkpoint and at the end (every level it can know).
 */
import { describe, expect, test } from "bun:test";
import { CRYPTOFEED, HFT, startHarness, waitFor } from "./live.testkit.ts";

describe("LiveDriver + SymbolBook against the test exchange, no faults", () => {
  test("BTCUSDT and ETHUSDT, two days of hftbacktest files at full speed: exact at every update, no gap", async () => {
    const files = ["btcusdt_20240718.gz", "btcusdt_20240719.gz", "ethusdt_20240718.gz", "ethusdt_20240719.gz"].map(HFT);
    const h = await startHarness({ files, driver: { aggTrades: false } });
    try {
      expect(await h.settle(20_000)).toEqual([]);
      expect(h.mismatches).toEqual([]);
      expect(h.gaps).toEqual([]);
      // Every diff after each snapshot was applied and checked: 3321+5696 BTC and 3273+5656 ETH diffs in the files.
      expect(h.counters.updatesChecked).toBeGreaterThan(0.95 * (3321 + 5696 + 3273 + 5656));
      expect(h.counters.checkpointsChecked).toBeGreaterThan(150);
      expect(h.counters.snapshotsApplied).toBe(2);
      expect(h.counters.tradeOrderErrors).toBe(0);
      expect(h.counters.trades).toBe(974 + 9727 + 1640 + 12015);
      expect(h.driver.stats.snapshots.ok).toBe(2);
      expect(h.exchange.stats.framesDroppedBySocket).toBe(0);
    } finally {
      await h.close();
    }
  }, 30_000);

  test("cryptofeed recording (5 symbols, depth@100ms + aggTrade): every book exact, snapshots per symbol", async () => {
    const h = await startHarness({ files: [CRYPTOFEED("BINANCE_FUTURES-1125a2.0")], driver: { trades: false, depthSpeed: "100ms" } });
    try {
      expect([...h.books.keys()].sort()).toEqual(["BATUSDT", "CHRUSDT", "CTKUSDT", "NEOUSDT", "SANDUSDT"]);
      expect(await h.settle()).toEqual([]);
      expect(h.mismatches).toEqual([]);
      expect(h.gaps).toEqual([]);
      expect(h.counters.snapshotsApplied).toBe(5);
      expect(h.counters.updatesChecked).toBeGreaterThan(1000);
      // aggTrades arrive on the market connection, and none twice.
      expect(h.driver.stats.duplicateAggTrades).toBe(0);
      expect(h.exchange.connections().map((c) => c.path).sort()).toEqual(["market", "public"]);
    } finally {
      await h.close();
    }
  }, 30_000);

  test("cryptofeed websocket + REST files merged by time (real tick sizes from exchangeInfo)", async () => {
    const h = await startHarness({ files: [CRYPTOFEED("BINANCE_FUTURES.ws.1.0"), CRYPTOFEED("BINANCE_FUTURES.http.0.0")], driver: { trades: false } });
    try {
      expect(await h.settle()).toEqual([]);
      expect(h.mismatches).toEqual([]);
      expect(h.counters.snapshotsApplied).toBe(h.books.size);
      expect(h.books.size).toBe(4);
    } finally {
      await h.close();
    }
  }, 30_000);

  test("the checker catches a client book that differs from the exchange's", async () => {
    const h = await startHarness({ files: [HFT("btcusdt_20240718.gz")], driver: { aggTrades: false }, exchange: { speed: 20 } });
    try {
      const book = h.books.get("BTCUSDT")!;
      // Change the top 20 bids behind the book's back: later updates must disagree with the exchange.
      const before = h.counters.updatesChecked;
      for (let i = 0; i < 20; i++) book.book.bids.qty[i] = book.book.bids.qty[i]! + 1;
      await waitFor("more updates", () => h.counters.updatesChecked > before + 20);
      expect(h.mismatches.length).toBeGreaterThan(0);
      expect(h.mismatches[0]).toMatch(/^BTCUSDT u=\d+: bid level \d+: client/);
    } finally {
      await h.close();
    }
  }, 30_000);
});
