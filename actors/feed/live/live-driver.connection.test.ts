/**
 * Connection-level faults against the test exchange: cut connections, silent
 * stalls, server-side closes (Binance's 24 h cut), the legacy URL that
 * accepts and stays silent, rotation before the cut, and pings. The replay
 * is paced (200x recorded time, about 0.9 s) so the market keeps moving
 * after each fault, as a real one does.
 */
import { describe, expect, test } from "bun:test";
import type { Fault } from "../../../src/test-exchange/faults.ts";
import { TestExchange } from "../../../src/test-exchange/server.ts";
import { LiveDriver } from "./live-driver.ts";
import { HFT, type Harness, type HarnessOptions, startHarness, timelineOf, waitFor } from "./live.testkit.ts";

const BTC_DAY = [HFT("btcusdt_20240718.gz")];
const AT_EVENT = 3000;

async function run(options: Partial<HarnessOptions>, check: (h: Harness) => void | Promise<void>): Promise<void> {
  const h = await startHarness({
    files: BTC_DAY,
    ...options,
    driver: { aggTrades: false, ...options.driver },
    exchange: { speed: 200, ...options.exchange },
  });
  try {
    expect(await h.settle()).toEqual([]);
    expect(h.mismatches).toEqual([]);
    expect(h.recoveries.length).toBe(h.gaps.length);
    await check(h);
  } finally {
    await h.close();
  }
}

const at = (fault: Fault) => [{ afterEvents: AT_EVENT, fault }];

describe("connection faults: the driver reconnects, the book resyncs, exact afterwards", () => {
  test("connection cut without a close frame: reconnect with back-off, resync", async () => {
    await run({ exchange: { speed: 200, faults: at({ kind: "disconnect", afterFrames: 20, group: "public" }) } }, (h) => {
      expect(h.exchange.stats.faults.disconnects).toBe(1);
      expect(h.driver.stats.reconnects).toBeGreaterThanOrEqual(1);
      expect(h.gaps.length).toBeGreaterThanOrEqual(1);
      expect(h.exchange.stats.connectionsOpened).toBeGreaterThanOrEqual(2);
      expect(h.counters.tradeOrderErrors).toBe(0);
    });
  }, 20_000);

  test("silent stall (open, nothing sent): the watchdog replaces the socket, resync", async () => {
    await run(
      {
        driver: { silenceTimeoutMs: 100 },
        exchange: { speed: 200, faults: at({ kind: "stall", ms: 400, group: "public" }) },
      },
      (h) => {
        expect(h.exchange.stats.framesLostToStalls).toBeGreaterThan(0);
        expect(h.driver.stats.watchdogReconnects).toBeGreaterThanOrEqual(1);
        expect(h.logs.some((line) => /public#1: silent for \d+ ms; replacing the socket/.test(line))).toBe(true);
        expect(h.gaps.length).toBeGreaterThanOrEqual(1);
      },
    );
  }, 20_000);

  test("server-side close (24 h style, close frame 1001): reconnect, resync", async () => {
    await run({ exchange: { speed: 200, faults: at({ kind: "forceClose" }) } }, (h) => {
      expect(h.exchange.stats.faults.forcedCloses).toBe(1);
      expect(h.driver.stats.reconnects).toBe(1);
      expect(h.driver.status().connections[0]!.stats.lastCloseCode).toBe(1001);
      // The status reports went open -> waiting (back-off) -> connecting -> open.
      const states = h.statuses.map((s) => s.connections[0]!.state).filter((state, i, all) => i === 0 || state !== all[i - 1]);
      expect(states.slice(-4)).toEqual(["open", "waiting", "connecting", "open"]);
      expect(h.gaps.length).toBeGreaterThanOrEqual(1);
    });
  }, 20_000);

  test("rotation before the exchange's age cut: no gap, the overlap is delivered twice and dropped", async () => {
    await run(
      {
        driver: { rotateAfterMs: 200, rotationOverlapMs: 30 },
        exchange: { speed: 100, maxConnectionAgeMs: 400 },
      },
      (h) => {
        expect(h.driver.stats.rotations).toBeGreaterThanOrEqual(3);
        expect(h.exchange.stats.ageCloses).toBe(0);
        expect(h.gaps).toEqual([]);
        expect(h.counters.snapshotsApplied).toBe(1);
        // Diffs seen on both sockets are dropped by the book; trades by the driver.
        expect(h.books.get("BTCUSDT")!.counts.duplicates).toBeGreaterThan(0);
        expect(h.driver.stats.duplicateTrades).toBeGreaterThan(0);
        expect(h.driver.stats.missedTrades).toBe(0);
        expect(h.counters.tradeOrderErrors).toBe(0);
        expect(h.counters.trades).toBe(974);
      },
    );
  }, 20_000);

  test("without rotation the exchange's age cut forces a reconnect and a resync", async () => {
    await run({ exchange: { speed: 100, maxConnectionAgeMs: 500 } }, (h) => {
      expect(h.exchange.stats.ageCloses).toBeGreaterThanOrEqual(1);
      expect(h.driver.stats.reconnects).toBeGreaterThanOrEqual(1);
      expect(h.gaps.length).toBeGreaterThanOrEqual(1);
    });
  }, 20_000);

  test("pings: Bun's client answers every one (pongs counted by the exchange), no pong timeout", async () => {
    await run({ exchange: { speed: 100, pingIntervalMs: 40, pongTimeoutMs: 300 } }, (h) => {
      const connections = h.exchange.connections();
      expect(connections.length).toBe(1);
      const [connection] = connections;
      expect(connection!.pingsSent).toBeGreaterThanOrEqual(10);
      expect(connection!.pongs).toBeGreaterThanOrEqual(connection!.pingsSent - 1);
      expect(h.exchange.stats.pongTimeouts).toBe(0);
      expect(h.driver.stats.pings).toBeGreaterThanOrEqual(10);
    });
  }, 20_000);
});

describe("the legacy URL completes the handshake and sends nothing", () => {
  test("a driver pointed at the legacy paths sees silence: the watchdog keeps replacing sockets", async () => {
    const exchange = await TestExchange.start({ timeline: await timelineOf(BTC_DAY), speed: 200, autoStart: false });
    const lines: string[] = [];
    const frames: string[] = [];
    // ws://host/ws/public/stream is a legacy path on the exchange: accepted, silent.
    const driver = new LiveDriver(
      { symbols: ["BTCUSDT"], wsBase: `${exchange.wsBase}/ws`, restBase: exchange.restBase, aggTrades: false, silenceTimeoutMs: 80, reconnectBaseMs: 5, reconnectCapMs: 20 },
      { frames: (batch) => frames.push(...batch.map((f) => f.text)), log: (line) => lines.push(line) },
    );
    try {
      exchange.startReplay();
      await driver.start();
      await waitFor("two watchdog replacements", () => driver.stats.watchdogReconnects >= 2, 3000);
      expect(driver.stats.opens).toBeGreaterThanOrEqual(2);
      expect(driver.stats.frames).toBe(0);
      expect(exchange.stats.framesSent).toBe(0);
      expect(exchange.connections().every((c) => c.path === "legacy")).toBe(true);
      // Nothing but REST snapshots (the first-snapshot fallback) can have reached the sink.
      expect(frames.every((text) => text.startsWith('{"lastUpdateId"'))).toBe(true);
      expect(lines.some((line) => /silent for \d+ ms/.test(line))).toBe(true);
    } finally {
      await driver.stop();
      await exchange.stop();
    }
  }, 20_000);

  test("raw clients: /stream and /ws get nothing, /market nothing of public streams, /public the recorded frames", async () => {
    const exchange = await TestExchange.start({ timeline: await timelineOf(BTC_DAY), speed: 200 });
    try {
      const streams = "btcusdt@depth@100ms/btcusdt@trade";
      const collect = (path: string) => {
        const got: string[] = [];
        const ws = new WebSocket(`${exchange.wsBase}${path}`);
        ws.onmessage = (event) => got.push(String(event.data));
        return { got, ws };
      };
      const legacyCombined = collect(`/stream?streams=${streams}`);
      const legacyRaw = collect("/ws/btcusdt@depth@100ms");
      const market = collect(`/market/stream?streams=${streams}`);
      const publicPath = collect(`/public/stream?streams=${streams}`);
      await waitFor("public frames", () => publicPath.got.length >= 200, 5000);
      for (const { ws } of [legacyCombined, legacyRaw, market, publicPath]) ws.close();
      expect(legacyCombined.got).toEqual([]);
      expect(legacyRaw.got).toEqual([]);
      expect(market.got).toEqual([]);
      // Exactly the recorded texts, in recorded order (depth and trade events only).
      const recorded = exchange.timeline.events.filter((e) => e.channel === "btcusdt@depth" || e.channel === "btcusdt@trade").map((e) => e.text);
      const start = recorded.indexOf(publicPath.got[0]!);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(publicPath.got).toEqual(recorded.slice(start, start + publicPath.got.length));
    } finally {
      await exchange.stop();
    }
  }, 20_000);
});

describe("robustness", () => {
  test("a consumer that throws is logged and counted; the sockets and the feed go on", async () => {
    const exchange = await TestExchange.start({ timeline: await timelineOf(BTC_DAY), speed: "max" });
    const logs: string[] = [];
    let calls = 0;
    const driver = new LiveDriver(
      { symbols: ["BTCUSDT"], wsBase: exchange.wsBase, restBase: exchange.restBase, aggTrades: false },
      {
        frames: () => {
          if (++calls % 2 === 0) throw new Error(`consumer bug ${calls}`);
        },
        log: (line) => logs.push(line),
      },
    );
    try {
      await driver.start();
      await exchange.whenFinished();
      await waitFor("every frame", () => driver.stats.frames >= 4295, 5000);
      expect(driver.stats.sinkErrors).toBe(Math.floor(calls / 2));
      expect(driver.stats.reconnects).toBe(0);
      // Logged at a bounded rate: the first ten, then every thousandth.
      expect(logs.filter((line) => line.includes("the frame consumer threw")).length).toBe(10 + Math.floor(driver.stats.sinkErrors / 1000));
    } finally {
      await driver.stop();
      await exchange.stop();
    }
  }, 20_000);
});
