import { describe, expect, test } from "bun:test";
import { bookPayload, featuresPayload, tradePayload } from "../../actors/hub/payloads.ts";
import { createWebApp } from "../app.ts";
import { FAKE_FEATURE_NAMES, fakeBook, fakeFeatures, fakeTrade } from "../testing/fake-market.ts";
import { testDeps } from "../testing/deps.ts";
import { BodyReader } from "../testing/sse-reader.ts";

const HELLO = ": genesis feed\n\n";

function open(path: string, overrides: Parameters<typeof testDeps>[0] = {}, init?: RequestInit) {
  const deps = testDeps(overrides);
  const app = createWebApp(deps);
  const response = app.handle(new Request(`http://localhost${path}`, init));
  return { deps, fanout: deps.fanout, response };
}

describe("GET /sse", () => {
  test("headers, then exact bytes of the messages the client asked for", async () => {
    const { fanout, response } = open("/sse?symbols=BTCUSDT&events=trade,book");
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const body = new BodyReader(res);
    expect(await body.messages(1)).toBe(HELLO);
    expect(fanout.subscriberCount).toBe(1);

    const buy = fakeTrade("BTCUSDT", 0.1, 650_001, 0.25, "buy", 1_700_000_000_123, 7);
    const book = fakeBook({ symbol: "BTCUSDT", tickSize: 0.1, bestBidTicks: 650_000, levels: 2, exchTsMs: 1_700_000_000_124, u: 99 });
    fanout.publish([
      buy,
      fakeTrade("ETHUSDT", 0.01, 350_000, 1, "sell"), // other symbol: filtered
      fakeFeatures("BTCUSDT", [1, 2, 3]), // other event: filtered
      book,
    ]);
    expect(await body.messages(2)).toBe(
      `id: 1\nevent: trade\ndata: {"symbol":"BTCUSDT","ts":1700000000123,"price":65000.100000000006,"qty":0.25,"side":"buy"}\n\n` +
        `id: 2\nevent: book\ndata: ${JSON.stringify(bookPayload(book))}\n\n`,
    );
    expect(JSON.parse(JSON.stringify(tradePayload(buy)))).toEqual({ symbol: "BTCUSDT", ts: 1_700_000_000_123, price: 65000.100000000006, qty: 0.25, side: "buy" });
    await body.cancel();
  });

  test("defaults: every served symbol, every event, the latest status first", async () => {
    const deps = testDeps();
    deps.fanout.publishStatus({ mode: "sim", symbols: ["BTCUSDT", "ETHUSDT"], actors: { feed: "live" }, tsMs: 5 });
    const res = await createWebApp(deps).handle(new Request("http://localhost/sse"));
    const body = new BodyReader(res);
    expect(await body.messages(2)).toBe(
      `${HELLO}id: 1\nevent: status\ndata: {"mode":"sim","symbols":["BTCUSDT","ETHUSDT"],"actors":{"feed":"live"},"tsMs":5}\n\n`,
    );
    const row = fakeFeatures("ETHUSDT", [3000, Number.NaN], 42);
    deps.fanout.publish([row, fakeTrade("BTCUSDT", 0.1, 10, 1, "sell", 43, 1)]);
    const text = await body.messages(2);
    expect(text).toBe(
      `id: 2\nevent: features\ndata: ${JSON.stringify(featuresPayload(row, FAKE_FEATURE_NAMES))}\n\n` +
        `id: 3\nevent: trade\ndata: {"symbol":"BTCUSDT","ts":43,"price":1,"qty":1,"side":"sell"}\n\n`,
    );
    expect(text).toContain('"mid":3000,"microprice":null');
    await body.cancel();
  });

  test("client abort (request.signal) unsubscribes", async () => {
    const abort = new AbortController();
    const { fanout, response } = open("/sse", {}, { signal: abort.signal });
    const body = new BodyReader(await response);
    await body.messages(1);
    expect(fanout.subscriberCount).toBe(1);
    abort.abort();
    expect(fanout.subscriberCount).toBe(0);
    fanout.publish([fakeTrade("BTCUSDT", 0.1, 1, 1, "buy")]);
    expect(await body.take((t) => t.endsWith("\n\n"))).toBe(": closed: client went away\n\n");
    await body.take(() => body.done).catch(() => undefined);
    expect(body.done).toBe(true);
  });

  test("stream cancel unsubscribes", async () => {
    const { fanout, response } = open("/sse");
    const body = new BodyReader(await response);
    await body.messages(1);
    await body.cancel();
    expect(fanout.subscriberCount).toBe(0);
    fanout.publish([fakeTrade("BTCUSDT", 0.1, 1, 1, "buy")]); // must not throw into the publisher
  });

  test("heartbeat comment when idle", async () => {
    const { response } = open("/sse", { sseHeartbeatMs: 20 });
    const body = new BodyReader(await response);
    expect(await body.messages(2)).toBe(`${HELLO}: ping\n\n`);
    await body.cancel();
  });

  test("throttleMs conflates book and features per symbol, latest wins; trades pass", async () => {
    const { fanout, response } = open("/sse?events=book,trade&throttleMs=60");
    const body = new BodyReader(await response);
    await body.messages(1);
    const books = (symbol: string, from: number) =>
      Array.from({ length: 5 }, (_, i) => fakeBook({ symbol, tickSize: 0.1, bestBidTicks: 1000, levels: 1, u: from + i }));
    fanout.publish([...books("BTCUSDT", 1), fakeTrade("BTCUSDT", 0.1, 1001, 1, "buy"), ...books("ETHUSDT", 101)]);
    const first = await body.messages(3);
    expect([...first.matchAll(/"u":(\d+)/g)].map((m) => Number(m[1]))).toEqual([1, 101]);
    expect(first.match(/event: trade/g)?.length).toBe(1);
    // After the interval only the latest held book per symbol arrives.
    const second = await body.messages(2, 1000);
    expect([...second.matchAll(/"u":(\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b)).toEqual([5, 105]);
    fanout.publish(books("BTCUSDT", 201));
    // 201 goes at once if the interval since 5 has passed, else it is held; 202..204 never go.
    const third = await body.take((t) => t.includes('"u":205'), 1000);
    const sent = [...third.matchAll(/"u":(\d+)/g)].map((m) => Number(m[1]));
    expect(sent.length === 1 ? sent : sent.slice(1)).toEqual([205]);
    expect([[205], [201, 205]]).toContainEqual(sent);
    await body.cancel();
    expect(fanout.subscriberCount).toBe(0);
  });
});
