import { describe, expect, test } from "bun:test";
import { peekInteger, peekStream } from "./frame-peek.ts";
import { TradeDedupe } from "./trade-dedupe.ts";

const trade = (id: number, symbol = "btcusdt") =>
  `{"stream":"${symbol}@trade","data":{"e":"trade","E":1,"T":1,"s":"${symbol.toUpperCase()}","t":${id},"p":"1.0","q":"1","X":"MARKET","m":true}}`;
const aggTrade = (id: number) => `{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1,"a":${id},"s":"BTCUSDT","p":"1.0","q":"1","f":5,"l":6,"T":1,"m":true}}`;
const depth = '{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":1,"u":2,"pu":0,"b":[],"a":[["1.0","1"]]}}';

describe("frame peeking", () => {
  test("reads the stream name and integer fields without parsing", () => {
    expect(peekStream(trade(5))).toBe("btcusdt@trade");
    expect(peekStream('{"e":"trade"}')).toBeUndefined();
    expect(peekStream("garbage")).toBeUndefined();
    expect(peekInteger(trade(5099999123), "t")).toBe(5099999123);
    expect(peekInteger(aggTrade(77), "a")).toBe(77);
    expect(peekInteger('{"t":"12"}', "t")).toBeNaN();
    expect(peekInteger("{}", "t")).toBeNaN();
  });
});

describe("TradeDedupe", () => {
  test("drops trades and aggTrades already seen, per symbol; counts id jumps; passes everything else", () => {
    const dedupe = new TradeDedupe();
    const admitted = [trade(1), trade(2), trade(2), trade(1), trade(5), trade(1, "ethusdt"), aggTrade(10), aggTrade(10), depth, depth, "not json"].map((t) =>
      dedupe.admit(t),
    );
    expect(admitted).toEqual([true, true, false, false, true, true, true, false, true, true, true]);
    expect(dedupe.counters).toEqual({ duplicateTrades: 2, duplicateAggTrades: 1, missedTrades: 2, missedAggTrades: 0 });
    dedupe.admit(depth);
    expect([dedupe.lastKind, dedupe.lastStream]).toEqual(["depth", "btcusdt@depth@0ms"]);
  });

  test("a trade whose id cannot be read is passed on for the decoder to judge", () => {
    const dedupe = new TradeDedupe();
    const broken = '{"stream":"btcusdt@trade","data":{"t":"x"}}';
    expect([dedupe.admit(broken), dedupe.admit(broken)]).toEqual([true, true]);
  });
});
