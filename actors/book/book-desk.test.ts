import { describe, expect, test } from "bun:test";
import type { BookUpdate, RawFrame, Trade } from "../../src/switchboard.ts";
import { RateLimitedLog } from "../../src/rate-limited-log.ts";
import { BookDesk, fitsTick } from "./book-desk.ts";

const frame = (text: string, symbol?: string): RawFrame => ({ localTsMs: 1, text, symbol });
const snapshot = (id: number, bid: string, ask: string) => frame(`{"lastUpdateId":${id},"E":1,"T":1,"bids":[["${bid}","1"]],"asks":[["${ask}","2"]]}`, "BTCUSDT");
const diff = (U: number, u: number, pu: number, bid: string) =>
  frame(`{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":2,"T":2,"s":"BTCUSDT","U":${U},"u":${u},"pu":${pu},"b":[["${bid}","3"]],"a":[]}}`);
const trade = (price: string) => frame(`{"stream":"btcusdt@trade","data":{"e":"trade","E":3,"T":3,"s":"BTCUSDT","t":7,"p":"${price}","q":"0.5","X":"MARKET","m":false}}`);

function desk(lines: string[] = []) {
  return new BookDesk(new Set(["BTCUSDT"]), {}, new RateLimitedLog((line) => lines.push(line)));
}

describe("BookDesk", () => {
  test("routes, counts and keeps arrival order across a batch", () => {
    const d = desk();
    const { events, gaps, snapshotsWanted } = d.processBatch([diff(5, 6, 4, "99.0"), snapshot(5, "100.0", "100.1"), trade("100.1"), frame("garbage"), frame(`{"stream":"x@bookTicker","data":{"e":"bookTicker"}}`)]);
    expect(events.map((e) => e.kind)).toEqual(["book", "book", "trade"]);
    expect((events[2] as Trade).side).toBe("buy");
    expect(gaps).toEqual([]);
    expect(snapshotsWanted.size).toBe(0);
    expect(d.counters).toMatchObject({ frames: 5, malformed: 1, ignored: 1, trades: 1, bookUpdates: 2 });
  });

  test("a gap asks for one snapshot and reports the fact", () => {
    const d = desk();
    d.processBatch([snapshot(10, "100.0", "100.1"), diff(11, 12, 10, "99.0")]);
    const result = d.processBatch([diff(14, 15, 13, "98.0"), diff(16, 17, 15, "97.0")]);
    expect([...result.snapshotsWanted]).toEqual(["BTCUSDT"]);
    expect(result.gaps.map((g) => g.phase)).toEqual(["started"]);
    expect(d.counters.gaps).toBe(1);
  });

  test("prices that do not fit the published tick take the data's tick (historical recordings)", () => {
    const lines: string[] = [];
    const d = desk(lines);
    const { events } = d.processBatch([snapshot(1, "9500.12", "9500.13")]);
    expect((events[0] as BookUpdate).spec).toEqual({ symbol: "BTCUSDT", tickSize: 0.01, lotSize: 1 });
    expect(lines[0]).toContain("do not fit tick 0.1");
  });

  test("a book first met through a trade gets its spec checked again at the first snapshot", () => {
    const d = desk();
    d.processBatch([trade("9500.1")]);
    const { events } = d.processBatch([snapshot(1, "9500.12", "9500.15")]);
    expect((events[0] as BookUpdate).spec?.tickSize).toBe(0.01);
    expect(d.books.get("BTCUSDT")!.book.bestBidTicks).toBe(950012);
  });

  test("frames of symbols not served are counted and skipped", () => {
    const d = new BookDesk(new Set(["ETHUSDT"]));
    d.processBatch([trade("1.0")]);
    expect(d.counters.unknownSymbol).toBe(1);
  });

  test("fitsTick", () => {
    expect(fitsTick(0.1, [63943.9, 1000])).toBe(true);
    expect(fitsTick(0.1, [63943.95])).toBe(false);
    expect(fitsTick(0.00001, [0.12345])).toBe(true);
  });
});
