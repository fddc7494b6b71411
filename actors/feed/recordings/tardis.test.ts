/** Tardis CSV -> Binance frames on small hand-made files: exact frame text, the synthetic id chain, and a book equal to the CSV's. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RawFrame } from "../../../src/switchboard.ts";
import { ASK, BID } from "../../../src/switchboard.ts";
import { decodeFrame } from "../../book/binance-decode.ts";
import { BookSync } from "./book-sync.testkit.ts";
import { newReadStats, readRecording } from "./read.ts";

const dir = mkdtempSync(path.join(tmpdir(), "genesis-tardis-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const L2_HEADER = "exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount";
let fileCount = 0;

async function convert(csv: string, stats = newReadStats()): Promise<RawFrame[]> {
  // A neutral name: the format must come from the header row.
  const file = path.join(dir, `input-${fileCount++}.txt`);
  writeFileSync(file, csv);
  const frames: RawFrame[] = [];
  for await (const batch of readRecording([file], { stats })) frames.push(...batch);
  return frames;
}

describe("incremental_book_L2", () => {
  const csv = [
    L2_HEADER,
    "binance-futures,AAAUSDT,1000000,1000500,true,bid,10.0,1",
    "binance-futures,AAAUSDT,1000000,1000500,true,ask,10.5,2",
    "binance-futures,AAAUSDT,1000000,1000500,true,ask,10.45,4",
    "binance-futures,AAAUSDT,1000000,1000500,true,bid,10.20,3",
    "binance-futures,BBBUSDT,1000000,1000600,true,ask,5.01,1",
    "binance-futures,BBBUSDT,1000000,1000600,true,bid,5.00,1",
    "binance-futures,AAAUSDT,2000000,2000100,false,bid,10.20,0",
    "binance-futures,AAAUSDT,2000000,2000100,false,ask,10.4,7",
    "binance-futures,BBBUSDT,2000000,2000200,false,bid,4.99,2",
    "binance-futures,AAAUSDT,3000000,3000100,false,bid,10.3,1",
  ].join("\n");

  test("runs become frames: snapshots sorted with the symbol, diffs chained per symbol on a shared counter", async () => {
    const frames = await convert(csv);
    expect(frames).toEqual([
      { localTsMs: 1000.5, symbol: "AAAUSDT", text: '{"lastUpdateId":1,"E":1000,"T":1000,"bids":[["10.20","3"],["10.0","1"]],"asks":[["10.45","4"],["10.5","2"]]}' },
      { localTsMs: 1000.6, symbol: "BBBUSDT", text: '{"lastUpdateId":2,"E":1000,"T":1000,"bids":[["5.00","1"]],"asks":[["5.01","1"]]}' },
      {
        localTsMs: 2000.1,
        text: '{"stream":"aaausdt@depth@0ms","data":{"e":"depthUpdate","E":2000,"T":2000,"s":"AAAUSDT","U":3,"u":3,"pu":1,"b":[["10.20","0"]],"a":[["10.4","7"]]}}',
      },
      {
        localTsMs: 2000.2,
        text: '{"stream":"bbbusdt@depth@0ms","data":{"e":"depthUpdate","E":2000,"T":2000,"s":"BBBUSDT","U":4,"u":4,"pu":2,"b":[["4.99","2"]],"a":[]}}',
      },
      {
        localTsMs: 3000.1,
        text: '{"stream":"aaausdt@depth@0ms","data":{"e":"depthUpdate","E":3000,"T":3000,"s":"AAAUSDT","U":5,"u":5,"pu":3,"b":[["10.3","1"]],"a":[]}}',
      },
    ]);
    const books = new BookSync();
    books.push(frames);
    expect(books.report.gaps).toEqual([]);
    expect(books.report.updates).toEqual({ AAAUSDT: 3, BBBUSDT: 2 });
  });

  test("a random session syncs without gaps and ends with exactly the book the CSV describes", async () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const symbols = ["AAAUSDT", "BTC-PERPETUAL"];
    const expected = new Map(symbols.map((s) => [s, new Map<string, number>()]));
    const rows = [L2_HEADER];
    let tsUs = 1_600_000_000_000_000;
    for (let step = 0; step < 400; step++) {
      const symbol = symbols[Math.floor(random() * symbols.length)]!;
      const book = expected.get(symbol)!;
      const snapshot = step < 2 ? symbol === symbols[step] : random() < 0.03;
      if (step < 2 && !snapshot) continue;
      tsUs += 1 + Math.floor(random() * 5000);
      if (snapshot) book.clear();
      const levels = snapshot ? 20 : 1 + Math.floor(random() * 4);
      for (let i = 0; i < levels; i++) {
        const side = random() < 0.5 ? "bid" : "ask";
        // Bids below 100, asks above: the book never crosses, so every difference is a conversion error.
        const price = (side === "bid" ? 90 + Math.floor(random() * 100) / 10 : 100.1 + Math.floor(random() * 100) / 10).toFixed(1);
        const amount = snapshot || random() < 0.7 ? (1 + Math.floor(random() * 50)).toString() : "0";
        rows.push(`deribit,${symbol},${tsUs},${tsUs + 100},${snapshot},${side},${price},${amount}`);
        if (amount === "0") book.delete(`${side} ${price}`);
        else book.set(`${side} ${price}`, Number(amount));
      }
    }
    const frames = await convert(rows.join("\n"));
    const sync = new BookSync({ "AAAUSDT": { symbol: "AAAUSDT", tickSize: 0.1, lotSize: 1 }, "BTC-PERPETUAL": { symbol: "BTC-PERPETUAL", tickSize: 0.1, lotSize: 1 } });
    sync.push(frames);
    expect(sync.report.gaps).toEqual([]);
    expect(sync.report.crossedFrames).toBe(0);
    expect(sync.report.malformed).toEqual([]);
    for (const symbol of symbols) {
      const { book } = sync.report.books.get(symbol)!;
      const actual = new Map<string, number>();
      for (const [code, name] of [[BID, "bid"], [ASK, "ask"]] as const) {
        const side = book.side(code);
        for (let i = 0; i < side.count; i++) actual.set(`${name} ${(side.priceTicks[i]! / 10).toFixed(1)}`, side.qty[i]!);
      }
      expect(actual).toEqual(expected.get(symbol)!);
    }
  });

  test("bad rows are counted and skipped; the rest converts", async () => {
    const stats = newReadStats();
    const frames = await convert(
      [
        L2_HEADER,
        "binance-futures,AAAUSDT,1000000,1000500,true,buy,10.0,1",
        "binance-futures,AAAUSDT,1000000,1000500,true,bid",
        "binance-futures,AAAUSDT,1000000,later,true,bid,10.0,1",
        "binance-futures,AAAUSDT,1000000,1000500,true,bid,10.0,1",
        "",
      ].join("\r\n"),
      stats,
    );
    expect(frames.length).toBe(1);
    expect(stats).toMatchObject({ malformedLines: 3, frames: 1 });
  });
});

describe("trades, quotes and book snapshots", () => {
  test("trades: non-numeric ids get a sequence number, only 'sell' sets m, odd symbols survive", async () => {
    const frames = await convert(
      [
        "exchange,symbol,timestamp,local_timestamp,id,side,price,amount",
        "deribit,BTC-PERPETUAL,1585699200245000,1585699200355684,ETH-123,sell,6421.50,10",
        "deribit,BTC-PERPETUAL,1585699200245001,1585699200355685,,unknown,6422,20",
        "deribit,BTC-PERPETUAL,1585699200245002,1585699200355686,77,buy,6422,30",
      ].join("\n"),
    );
    const decoded = frames.map((f) => decodeFrame(f.text));
    expect(decoded.map((m) => (m.kind === "trade" ? [m.symbol, m.tradeId, m.buyerIsMaker, m.price] : m.kind))).toEqual([
      ["BTC-PERPETUAL", 1, true, 6421.5],
      ["BTC-PERPETUAL", 2, false, 6422],
      ["BTC-PERPETUAL", 77, false, 6422],
    ]);
    expect(frames[0]!.text).toStartWith('{"stream":"btc-perpetual@trade","data":{"e":"trade","E":1585699200245,');
    expect(frames[0]!.text).toContain('"p":"6421.50","q":"10"');
    expect(frames[1]!.localTsMs).toBe(1585699200355.685);
  });

  test("quotes: the top of book per side; an empty side is left out", async () => {
    const frames = await convert(
      ["exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount", "binance-futures,BTCUSDT,1000000,1000001,0.84,9682,,", "binance-futures,BTCUSDT,2000000,2000001,0.84,9682,9681.92,0.67"].join("\n"),
    );
    expect(frames.map((f) => f.text)).toEqual([
      '{"lastUpdateId":1,"E":1000,"T":1000,"bids":[],"asks":[["9682","0.84"]]}',
      '{"lastUpdateId":2,"E":2000,"T":2000,"bids":[["9681.92","0.67"]],"asks":[["9682","0.84"]]}',
    ]);
    expect(frames.every((f) => f.symbol === "BTCUSDT")).toBe(true);
  });

  test("book_snapshot_N: every level of the row, missing levels skipped", async () => {
    const header = "exchange,symbol,timestamp,local_timestamp,asks[0].price,asks[0].amount,bids[0].price,bids[0].amount,asks[1].price,asks[1].amount,bids[1].price,bids[1].amount";
    const frames = await convert([header, "binance-futures,BTCUSDT,1000000,1000001,11657.08,1.714,11657.07,10.896,11657.54,5.4,,"].join("\n"));
    expect(frames).toEqual([
      { localTsMs: 1000.001, symbol: "BTCUSDT", text: '{"lastUpdateId":1,"E":1000,"T":1000,"bids":[["11657.07","10.896"]],"asks":[["11657.08","1.714"],["11657.54","5.4"]]}' },
    ]);
  });
});
