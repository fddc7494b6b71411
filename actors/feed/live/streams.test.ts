import { describe, expect, test } from "bun:test";
import { LiveDriver } from "./live-driver.ts";
import { depthStreamName, planConnections, streamUrl } from "./streams.ts";

describe("stream names and connection plans", () => {
  test("depth stream names; Binance calls the 250 ms stream plain @depth", () => {
    expect(depthStreamName("BTCUSDT", "0ms")).toBe("btcusdt@depth@0ms");
    expect(depthStreamName("BTCUSDT", "100ms")).toBe("btcusdt@depth@100ms");
    expect(depthStreamName("BTCUSDT", "250ms")).toBe("btcusdt@depth");
    expect(depthStreamName("BTCUSDT", "500ms")).toBe("btcusdt@depth@500ms");
  });

  test("depth + trade on /public, aggTrade on /market", () => {
    const plans = planConnections(["BTCUSDT", "ETHUSDT"], { depthSpeed: "100ms" });
    expect(plans).toEqual([
      { group: "public", streams: ["btcusdt@depth@100ms", "btcusdt@trade", "ethusdt@depth@100ms", "ethusdt@trade"] },
      { group: "market", streams: ["btcusdt@aggTrade", "ethusdt@aggTrade"] },
    ]);
    expect(streamUrl("wss://fstream.binance.com/", plans[0]!)).toBe(
      "wss://fstream.binance.com/public/stream?streams=btcusdt@depth@100ms/btcusdt@trade/ethusdt@depth@100ms/ethusdt@trade",
    );
    expect(streamUrl("ws://127.0.0.1:1", plans[1]!)).toBe("ws://127.0.0.1:1/market/stream?streams=btcusdt@aggTrade/ethusdt@aggTrade");
  });

  test("pooled at most 200 streams per connection; a symbol's depth and trade stay together", () => {
    const symbols = Array.from({ length: 150 }, (_, i) => `S${i}USDT`);
    const plans = planConnections(symbols, { depthSpeed: "0ms" });
    expect(plans.map((p) => [p.group, p.streams.length])).toEqual([
      ["public", 200],
      ["public", 100],
      ["market", 150],
    ]);
    expect(plans[0]!.streams.slice(-2)).toEqual(["s99usdt@depth@0ms", "s99usdt@trade"]);
    expect(planConnections(["A"], { depthSpeed: "0ms", trades: false, aggTrades: false })).toEqual([{ group: "public", streams: ["a@depth@0ms"] }]);
    expect(() => planConnections(["A"], { depthSpeed: "0ms", maxStreamsPerConnection: 0 })).toThrow(RangeError);
  });
});

describe("LiveDriver configuration", () => {
  test("bad bases fail at construction, naming the value", () => {
    const sink = { frames: () => {} };
    expect(() => new LiveDriver({ symbols: ["BTCUSDT"], wsBase: "https://fstream.binance.com" }, sink)).toThrow('wsBase must start with ws: or wss://, got "https://fstream.binance.com"');
    expect(() => new LiveDriver({ symbols: ["BTCUSDT"], restBase: "fapi" }, sink)).toThrow('restBase is not a URL: "fapi"');
    expect(() => new LiveDriver({ symbols: [] }, sink)).toThrow("no symbols");
  });
});
