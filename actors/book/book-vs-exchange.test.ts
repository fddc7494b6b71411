/**
 * Book correctness against the exchange's own data: the book rebuilt from
 * the real recordings (snapshot + diffs, through the production decoder and
 * sync) shows the same best bid/ask and quantities as every bookTicker whose
 * update id lines up with a diff. The shared recordings hold one REST
 * snapshot per symbol per session, so later-snapshot checks run against the
 * test exchange (actors/feed/live tests).
 */
import { describe, expect, test } from "bun:test";
import { sharedDataFile } from "../../src/shared-data.ts";
import { bookTickerAgreement } from "./book-vs-exchange.ts";

const hft = (file: string) => sharedDataFile(`binance-usdm/hftbacktest/${file}`);

describe("rebuilt book vs the exchange's bookTicker", () => {
  test.each([
    ["BTCUSDT 2024-07-18/19", [hft("btcusdt_20240718.gz"), hft("btcusdt_20240719.gz")]],
    ["ETHUSDT 2024-07-18/19", [hft("ethusdt_20240718.gz"), hft("ethusdt_20240719.gz")]],
    ["BTCUSDT 2023-04-04/05", [hft("btcusdt_20230404.dat.gz"), hft("btcusdt_20230405.dat.gz")]],
  ])("%s: every lined-up bookTicker agrees", async (_name, paths) => {
    const [report] = await bookTickerAgreement(paths);
    console.log(`book vs bookTicker ${_name}: ${report!.agreed}/${report!.linedUp} lined-up tickers agree (${report!.tickers} tickers, ${report!.appliedDiffs} diffs applied, ${report!.gaps} gaps)`);
    expect(report!.gaps).toBe(0);
    expect(report!.linedUp).toBeGreaterThan(100);
    expect(report!.mismatches).toEqual([]);
    expect(report!.agreed).toBe(report!.linedUp);
  });
});
