/** The test exchange's protocol: REST endpoints and limits, websocket paths, control API, pacing, loops, determinism. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sharedDataFile } from "../shared-data.ts";
import { loadTimeline, TestExchange } from "./server.ts";
import { channelOf, type Timeline } from "./timeline.ts";

const BTC = sharedDataFile("binance-usdm/hftbacktest/btcusdt_20240718.gz");
const SUSHI_WS = sharedDataFile("binance-usdm/cryptofeed/BINANCE_FUTURES.ws.1.0");
const SUSHI_HTTP = sharedDataFile("binance-usdm/cryptofeed/BINANCE_FUTURES.http.0.0");

let btc: Timeline;
beforeAll(async () => {
  btc = await loadTimeline([BTC]);
});

/** Collects every frame a raw websocket client receives. */
function listen(url: string): { frames: string[]; ws: WebSocket; opened: Promise<void> } {
  const frames: string[] = [];
  const ws = new WebSocket(url);
  ws.onmessage = (event) => frames.push(String(event.data));
  const opened = new Promise<void>((resolve) => ws.addEventListener("open", () => resolve()));
  return { frames, ws, opened };
}

describe("timeline", () => {
  test("the recording's snapshot starts the book; earlier diffs are not replayed; the pu chain is whole", () => {
    expect(btc.symbols).toEqual(["BTCUSDT"]);
    expect(btc.snapshots.get("BTCUSDT")!.lastUpdateId).toBe(4984028384061);
    expect(btc.stats.diffs + btc.stats.diffsBeforeSnapshot).toBe(3326);
    expect(btc.stats.recordedChainBreaks).toBe(0);
    const first = btc.events.find((e) => e.diff)!.diff!;
    expect(first.U <= 4984028384061 && 4984028384061 <= first.u).toBe(true);
  });

  test("stream names map to channels and paths; unknown ones to nothing", () => {
    expect(channelOf("btcusdt@depth@100ms")).toEqual({ channel: "btcusdt@depth", kind: "depth", symbolLower: "btcusdt" });
    expect(channelOf("btcusdt@depth")?.kind).toBe("depth");
    expect(channelOf("btcusdt@markPrice@1s")?.kind).toBe("markPrice");
    expect(channelOf("btcusdt@aggTrade")?.kind).toBe("aggTrade");
    for (const name of ["btcusdt@depth@300ms", "btcusdt@depth5", "btcusdt@kline_1m", "!markPrice@arr", "btcusdt"]) expect(channelOf(name)).toBeUndefined();
  });
});

describe("REST", () => {
  let exchange: TestExchange;
  beforeAll(async () => {
    exchange = await TestExchange.start({ timeline: btc, autoStart: false });
  });
  afterAll(() => exchange.stop());
  const get = (path: string) => fetch(`${exchange.restBase}${path}`);

  test("depth: the exchange's current book, Binance's shape, weight in x-mbx-used-weight-1m", async () => {
    const response = await get("/fapi/v1/depth?symbol=BTCUSDT&limit=5");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-mbx-used-weight-1m")).toBe("2");
    const body = await response.json();
    expect(Object.keys(body)).toEqual(["lastUpdateId", "E", "T", "bids", "asks"]);
    expect(body.lastUpdateId).toBe(4984028384061);
    expect(body.bids[0]).toEqual(["63943.90", "46.372"]);
    expect(body.bids).toHaveLength(5);
    expect(exchange.market.checkpointAt("BTCUSDT", 4984028384061)).toBeDefined();
  });

  test("Binance error codes for bad parameters; unknown paths 404", async () => {
    const cases: [string, number][] = [
      ["/fapi/v1/depth", -1102],
      ["/fapi/v1/depth?symbol=NOPEUSDT", -1121],
      ["/fapi/v1/depth?symbol=BTCUSDT&limit=7", -1130],
    ];
    for (const [path, code] of cases) {
      const response = await get(path);
      expect(response.status).toBe(400);
      expect((await response.json()).code).toBe(code);
    }
    expect((await get("/fapi/v1/nothing")).status).toBe(404);
    expect((await get("/elsewhere")).status).toBe(404);
  });

  test("exchangeInfo (PRICE_FILTER / LOT_SIZE), ping, time", async () => {
    const info = await (await get("/fapi/v1/exchangeInfo")).json();
    const filters = info.symbols[0].filters;
    expect(filters).toContainEqual(expect.objectContaining({ filterType: "PRICE_FILTER", tickSize: "0.1" }));
    expect(filters).toContainEqual(expect.objectContaining({ filterType: "LOT_SIZE", stepSize: "0.001" }));
    expect(await (await get("/fapi/v1/ping")).json()).toEqual({});
    const { serverTime } = await (await get("/fapi/v1/time")).json();
    expect(Math.abs(serverTime - Date.now())).toBeLessThan(5000);
  });

  test("past the weight limit: 429 + Retry-After; calling on regardless: 418", async () => {
    // A window so long it cannot roll over during the test.
    const limited = await TestExchange.start({ timeline: btc, autoStart: false, weights: { limit: 50, windowMs: 1e12, violationsBeforeBan: 2, banMs: 5000 } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${limited.restBase}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`);
      statuses.push(response.status);
      if (response.status === 429) retryAfter ??= response.headers.get("retry-after");
      await response.arrayBuffer();
    }
    await limited.stop();
    // Two snapshots at 20 fit in 50, the third does not; the fourth ignores Retry-After, the fifth is banned.
    expect(statuses).toEqual([200, 200, 429, 429, 418, 418]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(limited.stats.weights).toMatchObject({ rejected429: 2, rejected418: 2, violations: 2, maxUsedInWindow: 40 });
  });
});

describe("websocket", () => {
  test("SUBSCRIBE / LIST_SUBSCRIPTIONS on a public connection; replay starts at the first subscription", async () => {
    const exchange = await TestExchange.start({ timeline: btc, speed: "max" });
    try {
      const client = listen(`${exchange.wsBase}/public/stream`);
      await client.opened;
      expect(exchange.replayState).toBe("idle");
      client.ws.send(JSON.stringify({ method: "SUBSCRIBE", params: ["btcusdt@trade"], id: 7 }));
      client.ws.send(JSON.stringify({ method: "LIST_SUBSCRIPTIONS", id: 8 }));
      await exchange.whenFinished();
      await Bun.sleep(50);
      expect(client.frames[0]).toBe('{"result":null,"id":7}');
      expect(client.frames).toContain('{"result":["btcusdt@trade"],"id":8}');
      expect(client.frames.filter((f) => f.startsWith('{"stream":"btcusdt@trade"')).length).toBeGreaterThan(900);
      expect(client.frames.some((f) => f.includes("@depth"))).toBe(false);
      client.ws.close();
    } finally {
      await exchange.stop();
    }
  });

  test("the control API injects faults; bad bodies are refused", async () => {
    const exchange = await TestExchange.start({ timeline: btc, speed: "max", autoStart: false });
    try {
      const client = listen(`${exchange.wsBase}/public/stream?streams=btcusdt@depth@0ms`);
      await client.opened;
      const post = (body: string) => fetch(`${exchange.restBase}/__control`, { method: "POST", body });
      expect((await post('{"kind":"dropDiffs","next":4}')).status).toBe(200);
      expect((await post("not json")).status).toBe(400);
      expect((await post('{"nothing":1}')).status).toBe(400);
      expect((await post('{"action":"start"}')).status).toBe(200);
      await exchange.whenFinished();
      await Bun.sleep(50);
      expect(exchange.stats.faults.dropped).toBe(4);
      expect(client.frames.length).toBe(btc.stats.diffs - 4);
      const stats = await (await fetch(`${exchange.restBase}/__stats`)).json();
      expect(stats.stats.faults.dropped).toBe(4);
      client.ws.close();
    } finally {
      await exchange.stop();
    }
  });

  test("deterministic under a seed: the same faults give the same frames; another seed differs", async () => {
    const run = async (seed: number) => {
      const faults = [{ afterEvents: 100, fault: { kind: "dropDiffs", next: 400, probability: 0.5 } as const }];
      const exchange = await TestExchange.start({ timeline: btc, speed: "max", seed, faults });
      const client = listen(`${exchange.wsBase}/public/stream?streams=btcusdt@depth`);
      await exchange.whenFinished();
      await Bun.sleep(50);
      client.ws.close();
      await exchange.stop();
      return Bun.hash(client.frames.join("\n"));
    };
    const [a, b, c] = [await run(1), await run(1), await run(2)];
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  test("paced replay follows recorded time at the chosen speed", async () => {
    const exchange = await TestExchange.start({ timeline: btc, speed: 20 });
    try {
      const client = listen(`${exchange.wsBase}/public/stream?streams=btcusdt@depth`);
      await client.opened;
      await Bun.sleep(500);
      const published = btc.events.slice(0, exchange.stats.eventsPublished);
      const coveredMs = published[published.length - 1]!.tsMs - published[0]!.tsMs;
      // 0.5 s at 20x is 10 s of recording: never ahead of it, and not far behind.
      expect(coveredMs).toBeLessThanOrEqual(10_500);
      expect(coveredMs).toBeGreaterThan(5_000);
      client.ws.close();
    } finally {
      await exchange.stop();
    }
  });

  test("pings: answered by Bun's client; a client that stops reading is closed after the pong timeout", async () => {
    const exchange = await TestExchange.start({ timeline: btc, autoStart: false, pingIntervalMs: 20, pongTimeoutMs: 150 });
    try {
      const answering = listen(`${exchange.wsBase}/public/stream?streams=btcusdt@depth`);
      const silent = listen(`${exchange.wsBase}/public/stream?streams=btcusdt@trade`);
      await Promise.all([answering.opened, silent.opened]);
      const closed = new Promise<number>((resolve) => silent.ws.addEventListener("close", (event) => resolve(event.code)));
      (silent.ws as unknown as { pause(): boolean }).pause();
      await Bun.sleep(400);
      expect(exchange.stats.pongTimeouts).toBe(1);
      const [survivor] = exchange.connections();
      expect(exchange.connections()).toHaveLength(1);
      expect(survivor!.streams).toEqual(["btcusdt@depth"]);
      expect(survivor!.pongs).toBeGreaterThanOrEqual(survivor!.pingsSent - 1);
      expect(survivor!.pingsSent).toBeGreaterThanOrEqual(5);
      (silent.ws as unknown as { resume(): boolean }).resume();
      expect(await closed).toBe(1008);
      answering.ws.close();
    } finally {
      await exchange.stop();
    }
  });

  test("looping: update ids keep increasing across loops", async () => {
    const timeline = await loadTimeline([SUSHI_WS, SUSHI_HTTP]);
    const exchange = await TestExchange.start({ timeline, speed: "max", loop: true });
    try {
      const client = listen(`${exchange.wsBase}/public/stream?streams=sushiusdt@depth@100ms`);
      const deadline = performance.now() + 5000;
      while (exchange.stats.loops < 2 && performance.now() < deadline) await Bun.sleep(5);
      exchange.pauseReplay();
      await Bun.sleep(50);
      client.ws.close();
      const ids = client.frames.map((f) => JSON.parse(f).data.u as number);
      expect(exchange.stats.loops).toBeGreaterThanOrEqual(2);
      expect(ids.every((u, i) => i === 0 || u > ids[i - 1]!)).toBe(true);
      const perLoop = timeline.events.filter((e) => e.channel === "sushiusdt@depth").length;
      expect(ids.length).toBeGreaterThan(2 * perLoop);
    } finally {
      await exchange.stop();
    }
  });
});
