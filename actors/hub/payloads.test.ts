import { describe, expect, test } from "bun:test";
import type { BookUpdate, FeatureRow } from "../../src/switchboard.ts";
import { bookJson, bookPayload, FeaturesJsonEncoder, featuresPayload } from "./payloads.ts";

const names = ["mid", "spread", "odd \"name\"", "empty_side"];

describe("payload encoders write exactly what JSON.stringify would", () => {
  test.each([
    [[100.05, 0.1, -3.5e-7, Number.NaN]],
    [[Number.POSITIVE_INFINITY, 0, 1e21, -0]],
  ])("features %p", (values) => {
    const row: FeatureRow = { kind: "features", symbol: "BTCUSDT", exchTsMs: 1767225600123, localTsMs: 0, values: Float64Array.from(values) };
    const json = new FeaturesJsonEncoder(names).encode(row);
    expect(json).toBe(JSON.stringify(featuresPayload(row, names)));
    expect(JSON.parse(json).empty_side === null || Number.isFinite(values[3]!)).toBe(true);
  });

  test.each([
    [[95000.1, 95000], [1.5, 0.001], [95000.2], [2]],
    [[], [], [], []],
  ])("book %p", (bidPrices, bidQty, askPrices, askQty) => {
    const update = {
      kind: "book",
      symbol: "BTCUSDT",
      exchTsMs: 1,
      localTsMs: 2,
      u: 4984028370730,
      reset: false,
      stale: true,
      levelSide: new Uint8Array(0),
      levelPriceTicks: new Float64Array(0),
      levelQty: new Float64Array(0),
      topBidPrice: Float64Array.from(bidPrices),
      topBidQty: Float64Array.from(bidQty),
      topAskPrice: Float64Array.from(askPrices),
      topAskQty: Float64Array.from(askQty),
    } satisfies BookUpdate;
    expect(bookJson(update)).toBe(JSON.stringify(bookPayload(update)));
  });
});

import { Fanout, type HubMessage } from "./fanout.ts";

test("listeners get every published item, structured, in order; unsubscribing stops them", () => {
  const fanout = new Fanout(["mid"]);
  const seen: string[] = [];
  const stop = fanout.listen((items) => seen.push(...items.map((i) => `${i.kind}:${i.symbol}`)));
  const row: FeatureRow = { kind: "features", symbol: "BTCUSDT", exchTsMs: 1, localTsMs: 1, values: Float64Array.of(1) };
  fanout.publish([row, { ...row, symbol: "ETHUSDT" }]);
  stop();
  fanout.publish([row]);
  expect(seen).toEqual(["features:BTCUSDT", "features:ETHUSDT"]);
});

test("an anomaly item is an `anomaly` SSE event carrying the alert's fields (plus ts = tsEnd), for subscribers that ask", () => {
  const fanout = new Fanout(["mid"]);
  const got: { event: string; data: string }[] = [];
  const sub = (events: string[]) => ({ symbols: null, events: new Set(events) as never, deliver: (m: { event: string; data: string }) => got.push(m) > 0, close() {} });
  fanout.subscribe(sub(["anomaly"]));
  fanout.subscribe(sub(["book"]));
  const alert = {
    kind: "anomaly", id: "BTCUSDT:spoofing:bid:1000", type: "spoofing", symbol: "BTCUSDT", side: "bid", score: 72.5, tsStart: 1000, tsEnd: 1400,
    localTsMs: 1401.5, evidence: { qty: 12, note: "</script>", nan: Number.NaN }, explanation: "A large bid rested 300 ms and was cancelled.",
  } as const;
  fanout.publish([alert]);
  expect(got.map((m) => m.event)).toEqual(["anomaly"]);
  expect(JSON.parse(got[0]!.data)).toEqual({
    id: alert.id, type: "spoofing", symbol: "BTCUSDT", side: "bid", score: 72.5, ts: 1400, tsStart: 1000, tsEnd: 1400,
    evidence: { qty: 12, note: "</script>", nan: null }, explanation: alert.explanation,
  });
  expect(fanout.delivered.anomaly).toBe(1);
});

test("prediction events: exactly {symbol, ts, up, stationary, down, horizon, model}", () => {
  const fanout = new Fanout([]);
  const got: HubMessage[] = [];
  fanout.subscribe({ symbols: new Set(["ETHUSDT"]), events: new Set(["prediction"]), deliver: (m) => got.push(m) > 0, close() {} });
  const base = { kind: "prediction", exchTsMs: 1000, localTsMs: 1001.5, up: 0.25, stationary: 0.5, down: 0.25, horizon: 50, model: "deeplob-x-k50" } as const;
  fanout.publish([{ ...base, symbol: "BTCUSDT" }, { ...base, symbol: "ETHUSDT" }]);
  expect(got.map((m) => m.event)).toEqual(["prediction"]);
  expect(got[0]!.data).toBe('{"symbol":"ETHUSDT","ts":1000,"up":0.25,"stationary":0.5,"down":0.25,"horizon":50,"model":"deeplob-x-k50"}');
  expect(got[0]!.localTsMs).toBe(1001.5);
  expect(fanout.delivered.prediction).toBe(1);
});
