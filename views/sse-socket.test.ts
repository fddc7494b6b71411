/**
 * The slow-client guarantee over real sockets: Bun.serve pulls an SSE body
 * only while the socket accepts writes, so a client that stops reading fills
 * the kernel buffers, then its queue, and is dropped; a reading client on
 * the same fan-out gets every message.
 */
import { expect, test } from "bun:test";
import net from "node:net";
import { createWebApp } from "./app.ts";
import { FakeMarket } from "./testing/fake-market.ts";
import { testDeps } from "./testing/deps.ts";

function rawClient(port: number, path: string) {
  const socket = net.connect(port, "127.0.0.1");
  const client = { socket, bytes: 0, text: "" };
  socket.on("data", (data) => {
    client.bytes += data.length;
    client.text += data.toString("utf8");
  });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  return client;
}

const until = async (condition: () => boolean, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
};

test("a stalled TCP client is dropped; a reading one receives everything", async () => {
  const deps = testDeps({ sseMaxQueue: 256, sseHeartbeatMs: 60_000 });
  const app = createWebApp(deps).listen({ port: 0, hostname: "127.0.0.1" });
  try {
    const port = app.server!.port!;
    const stalled = rawClient(port, "/sse?symbols=BTCUSDT");
    const reading = rawClient(port, "/sse?symbols=BTCUSDT&events=trade");
    await until(() => deps.fanout.subscriberCount === 2 && stalled.bytes > 0 && reading.bytes > 0, 5000, "two subscribers");
    stalled.socket.pause();

    const market = new FakeMarket("BTCUSDT", 0.1, 65_000, 9);
    let steps = 0;
    let trades = 0;
    let slowestPublishMs = 0;
    // Publish in small batches with event-loop turns between them, as the hub does, until the stalled client is dropped.
    while (deps.fanout.droppedSubscribers === 0) {
      if (steps > 100_000) throw new Error("the stalled client was never dropped");
      const items = market.step(1_700_000_000_000 + steps++);
      trades += items.filter((i) => i.kind === "trade").length;
      const start = performance.now();
      deps.fanout.publish(items);
      slowestPublishMs = Math.max(slowestPublishMs, performance.now() - start);
      if (steps % 20 === 0) await Bun.sleep(1);
    }
    expect(deps.fanout.subscriberCount).toBe(1);
    await until(() => (reading.text.match(/^event: trade$/gm)?.length ?? 0) === trades, 5000, `${trades} trades`);
    console.log(`stalled client dropped after ${steps} steps (${stalled.bytes} bytes read); slowest publish ${slowestPublishMs.toFixed(3)} ms`);
    stalled.socket.destroy();
    // A client that goes away is unsubscribed through the request's abort signal.
    reading.socket.destroy();
    await until(() => deps.fanout.subscriberCount === 0, 5000, "the closed client to be unsubscribed");
  } finally {
    await app.stop(true);
  }
});
