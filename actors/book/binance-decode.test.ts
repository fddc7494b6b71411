import { describe, expect, test } from "bun:test";
import { decodeFrame } from "./binance-decode.ts";

const depth = `{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1721347022504,"T":1721347022504,"s":"BTCUSDT","U":4984028367545,"u":4984028370730,"pu":4984028367494,"b":[["62109.60","0.006"]],"a":[["63944.00","0.095"]]}}`;
const trade = `{"stream":"btcusdt@trade","data":{"e":"trade","E":1721347022956,"T":1721347022955,"s":"BTCUSDT","t":5182005737,"p":"63943.90","q":"0.003","X":"MARKET","m":true}}`;
const snapshot = `{"lastUpdateId":4984028384061,"E":1721347022759,"T":1721347022750,"bids":[["63943.90","46.372"]],"asks":[["63944.00","0.1"]]}`;

describe("decodeFrame", () => {
  test("depthUpdate in a combined-stream envelope", () => {
    expect(decodeFrame(depth)).toEqual({
      kind: "depth",
      symbol: "BTCUSDT",
      exchTsMs: 1721347022504,
      firstUpdateId: 4984028367545,
      finalUpdateId: 4984028370730,
      prevFinalUpdateId: 4984028367494,
      levels: { bidCount: 1, prices: Float64Array.of(62109.6, 63944), quantities: Float64Array.of(0.006, 0.095) },
    });
  });

  test("trade uses the trade time and keeps m", () => {
    expect(decodeFrame(trade)).toMatchObject({ kind: "trade", symbol: "BTCUSDT", exchTsMs: 1721347022955, tradeId: 5182005737, buyerIsMaker: true });
  });

  test("a REST snapshot takes its symbol from the hint", () => {
    expect(decodeFrame(snapshot, "BTCUSDT")).toMatchObject({ kind: "snapshot", symbol: "BTCUSDT", lastUpdateId: 4984028384061 });
    expect(decodeFrame(snapshot)).toMatchObject({ kind: "malformed" });
  });

  test("other streams are ignored, not errors", () => {
    expect(decodeFrame(`{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":1,"s":"BTCUSDT"}}`)).toEqual({ kind: "ignored", eventType: "bookTicker" });
  });

  test.each([
    ["not JSON", "{oops"],
    ["a number", "42"],
    ["no event type", `{"stream":"x","data":{"s":"BTCUSDT"}}`],
    ["string ids", depth.replace('"u":4984028370730', '"u":"4984028370730"')],
    ["levels not pairs of strings", depth.replace('["62109.60","0.006"]', "[62109.6,0.006]")],
    ["trade without m", trade.replace(',"m":true', "")],
  ])("malformed: %s", (_name, text) => {
    expect(decodeFrame(text).kind).toBe("malformed");
  });
});
