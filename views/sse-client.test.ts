import { describe, expect, test } from "bun:test";
import { Fanout, type HubMessage, type Subscriber } from "../actors/hub/fanout.ts";
import type { HubItem } from "../src/switchboard.ts";
import { createWebApp } from "./app.ts";
import { SseClient, encodeHubMessage, symbolOf } from "./sse-client.ts";
import { FAKE_FEATURE_NAMES, FakeMarket, fakeTrade } from "./testing/fake-market.ts";
import { testDeps } from "./testing/deps.ts";
import { BodyReader } from "./testing/sse-reader.ts";

const ALL = new Set(["book", "features", "trade", "status"] as const);

test("symbolOf reads the payload prefix and falls back to JSON", () => {
  expect(symbolOf('{"symbol":"BTCUSDT","ts":1}')).toBe("BTCUSDT");
  expect(symbolOf('{"ts":1,"symbol":"ETHUSDT"}')).toBe("ETHUSDT");
  expect(symbolOf('{"symbol":"A\\"B","ts":1}')).toBe('A"B');
});

test("a shared message is encoded once", () => {
  const message: HubMessage = { id: 3, event: "trade", data: "{}", localTsMs: Number.NaN };
  expect(encodeHubMessage(message)).toBe("id: 3\nevent: trade\ndata: {}\n\n");
  expect(encodeHubMessage(message)).toBe(encodeHubMessage(message));
});

describe("bounded queue", () => {
  test("deliver returns false once more than maxQueue messages wait unread", () => {
    const client = new SseClient({ symbols: null, events: ALL, maxQueue: 4, heartbeatMs: 60_000, throttleMs: 0 });
    let subscriber: Subscriber | undefined;
    client.attach((s) => {
      subscriber = s;
      return () => {};
    });
    expect(client.queuedMessages).toBe(1); // the hello comment
    const message = (id: number): HubMessage => ({ id, event: "trade", data: "{}", localTsMs: Number.NaN });
    expect([1, 2, 3].map((id) => subscriber!.deliver(message(id)))).toEqual([true, true, true]);
    expect(subscriber!.deliver(message(4))).toBe(false);
    client.close("test");
    expect(client.deliver(message(5))).toBe(false);
    expect(client.closeReason).toBe("test");
  });

  test("a client that never reads is dropped at the bound; publish stays synchronous; others keep receiving", async () => {
    const maxQueue = 64;
    const deps = testDeps({ sseMaxQueue: maxQueue, sseHeartbeatMs: 60_000 });
    const app = createWebApp(deps);
    const fanout = deps.fanout;
    const slow = await app.handle(new Request("http://localhost/sse?events=trade"));
    const fast = new BodyReader(await app.handle(new Request("http://localhost/sse?events=trade")));
    await fast.messages(1);
    expect(fanout.subscriberCount).toBe(2);

    // The slow client holds the hello comment plus one message per trade: the 64th trade overflows it.
    let received = "";
    const publishMs: number[] = [];
    for (let i = 1; i <= 200; i++) {
      const start = performance.now();
      fanout.publish([fakeTrade("BTCUSDT", 0.1, 1000 + i, 1, "buy", i, i)]);
      publishMs.push(performance.now() - start);
      if (i === maxQueue - 1) expect(fanout.droppedSubscribers).toBe(0);
      if (i === maxQueue) expect(fanout.droppedSubscribers).toBe(1);
      // The fast client drains between batches, as a live one would.
      if (i % 10 === 0) received += await fast.take((t) => t.includes(`"ts":${i},`));
    }
    expect(fanout.droppedSubscribers).toBe(1);
    expect(fanout.subscriberCount).toBe(1);
    const ids = [...received.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));

    // The slow client, reading at last, finds its backlog discarded and only the reason.
    const late = new BodyReader(slow);
    const text = await late.take(() => late.done);
    expect(text.match(/^event: trade$/gm)?.length ?? 0).toBe(0);
    expect(text).toBe(": closed: queue overflow: the client did not keep up\n\n");
    publishMs.sort((a, b) => a - b);
    console.log(`publish to 2 clients, p50 ${publishMs[100]!.toFixed(4)} ms, max ${publishMs[199]!.toFixed(4)} ms per trade`);
    await fast.cancel();
  });
});

test("a client waiting on a read takes a publish batch larger than the bound in one chunk", async () => {
  const deps = testDeps({ sseMaxQueue: 16, sseHeartbeatMs: 60_000 });
  const res = await createWebApp(deps).handle(new Request("http://localhost/sse?events=trade"));
  const reader = res.body!.getReader();
  await reader.read(); // hello
  const pending = reader.read(); // the consumer is waiting when the burst comes
  deps.fanout.publish(Array.from({ length: 500 }, (_, i) => fakeTrade("BTCUSDT", 0.1, 1000 + i, 1, "sell", i, i)));
  expect(deps.fanout.droppedSubscribers).toBe(0);
  const chunk = new TextDecoder().decode((await pending).value);
  expect(chunk.match(/^event: trade$/gm)?.length).toBe(500);
  await reader.cancel();
});

test("a fan-out of thousands of market items to a throttled and an unthrottled client", async () => {
  const deps = testDeps({ sseHeartbeatMs: 60_000, sseMaxQueue: 100_000 });
  const app = createWebApp(deps);
  const full = new BodyReader(await app.handle(new Request("http://localhost/sse?symbols=BTCUSDT")));
  const throttled = new BodyReader(await app.handle(new Request("http://localhost/sse?symbols=BTCUSDT&throttleMs=1000")));
  const market = new FakeMarket("BTCUSDT", 0.1, 65_000, 3);
  const items: HubItem[] = [];
  for (let i = 0; i < 3_400; i++) items.push(...market.step(1_700_000_000_000 + i));
  const fanout: Fanout = deps.fanout;
  const start = performance.now();
  fanout.publish(items);
  const elapsed = performance.now() - start;
  const text = await full.take((t) => t.split("\n\n").length - 2 >= items.length, 5000);
  expect(text.match(/^event: /gm)?.length).toBe(items.length);
  const trades = items.filter((i) => i.kind === "trade").length;
  const short = await throttled.take((t) => t.match(/^event: /gm)?.length === trades + 2);
  expect(short.match(/^event: book$/gm)?.length).toBe(1);
  expect(short.match(/^event: features$/gm)?.length).toBe(1);
  console.log(`published ${items.length} items (${FAKE_FEATURE_NAMES.length} features) to 2 clients in ${elapsed.toFixed(1)} ms`);
  await full.cancel();
  await throttled.cancel();
});

test("reports frame-to-write latency for market messages as they are written", async () => {
  const latencies: number[] = [];
  const client = new SseClient({ symbols: null, events: ALL, maxQueue: 16, heartbeatMs: 60_000, throttleMs: 0, onWritten: (ms) => latencies.push(ms) });
  let subscriber: Subscriber | undefined;
  client.attach((s) => {
    subscriber = s;
    return () => {};
  });
  const receivedAtMs = performance.timeOrigin + performance.now() - 5;
  subscriber!.deliver({ id: 1, event: "trade", data: "{}", localTsMs: receivedAtMs });
  subscriber!.deliver({ id: 2, event: "status", data: "{}", localTsMs: Number.NaN });
  expect(latencies).toEqual([]); // nothing written yet: the consumer has not pulled
  const reader = client.stream.getReader();
  await reader.read();
  expect(latencies).toHaveLength(1);
  expect(latencies[0]!).toBeGreaterThanOrEqual(5);
  expect(latencies[0]!).toBeLessThan(1000);
  reader.releaseLock();
});
