/** End to end: the real process on a free port, read over real HTTP and SSE. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type RunningGenesis, readSse, spawnGenesis } from "./testing/spawn-genesis.ts";

let genesis: RunningGenesis;

beforeAll(async () => {
  genesis = await spawnGenesis(["--mode", "sim", "--symbols", "BTCUSDT,ETHUSDT", "--seed", "3"]);
});

afterAll(async () => {
  await genesis?.stop();
});

function strictlyMonotonic(values: number[], direction: 1 | -1): boolean {
  return values.every((v, i) => i === 0 || Math.sign(v - values[i - 1]!) === direction);
}

describe("genesis sim end to end", () => {
  test("prints the real port and binds loopback", () => {
    expect(genesis.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(genesis.url.endsWith(":0")).toBe(false);
  });

  test("/health reports every actor", async () => {
    const health = (await (await fetch(`${genesis.url}/health`)).json()) as Record<string, any>;
    expect(health.status).toBe("ok");
    expect(health.mode).toBe("sim");
    expect(Object.keys(health.actors).sort()).toEqual(["analytics", "book", "feed", "hub", "inference", "recorder", "surveillance"]);
    expect(health.database).toContain("embedded PGlite");
  });

  test("SSE streams valid book, features and trade events", async () => {
    const messages = await readSse(`${genesis.url}/sse?symbols=BTCUSDT&events=book,features,trade`, 300);
    const byEvent = Map.groupBy(messages, (m) => m.event);
    expect(byEvent.get("book")?.length ?? 0).toBeGreaterThan(10);
    expect(byEvent.get("features")?.length ?? 0).toBeGreaterThan(10);
    expect(byEvent.get("trade")?.length ?? 0).toBeGreaterThan(0);
    const ids = messages.map((m) => Number(m.id));
    expect(strictlyMonotonic(ids, 1)).toBe(true);
    for (const message of byEvent.get("book")!) {
      const book = JSON.parse(message.data);
      expect(book.symbol).toBe("BTCUSDT");
      expect(book.bids).toHaveLength(20);
      expect(book.asks).toHaveLength(20);
      expect(strictlyMonotonic(book.bids.map((l: number[]) => l[0]), -1)).toBe(true);
      expect(strictlyMonotonic(book.asks.map((l: number[]) => l[0]), 1)).toBe(true);
      expect(book.bids[0][0]).toBeLessThan(book.asks[0][0]);
    }
    for (const message of byEvent.get("features")!) {
      const row = JSON.parse(message.data);
      expect(row.mid).toBeCloseTo((row.best_bid + row.best_ask) / 2, 6);
      expect(row.spread).toBeGreaterThan(0);
    }
    for (const message of byEvent.get("trade")!) {
      expect(["buy", "sell"]).toContain(JSON.parse(message.data).side);
    }
  });

  test("SSE streams DeepLOB predictions from the default model", async () => {
    const messages = await readSse(`${genesis.url}/sse?events=prediction`, 4, 20_000);
    expect(messages.length).toBe(4);
    for (const message of messages) {
      expect(message.event).toBe("prediction");
      const p = JSON.parse(message.data);
      expect(["BTCUSDT", "ETHUSDT"]).toContain(p.symbol);
      expect(p.up + p.stationary + p.down).toBeCloseTo(1, 5);
      expect(p.horizon).toBeGreaterThan(0);
    }
    const health = (await (await fetch(`${genesis.url}/health`)).json()) as Record<string, any>;
    expect(health.model.runs).toBeGreaterThan(0);
    expect(health.model.errors).toBe(0);
  });

  test("bad SSE parameters get a 400 that names them", async () => {
    const response = await fetch(`${genesis.url}/sse?symbols=NOPEUSDT`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("NOPEUSDT");
  });

  test("/metrics counts the pipeline", async () => {
    const text = await (await fetch(`${genesis.url}/metrics`)).text();
    const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, "m"))?.[1]);
    expect(value("genesis_book_updates_total")).toBeGreaterThan(0);
    expect(text).toMatch(/^genesis_events_total\{actor="hub"\} [1-9]/m);
    expect(text).toContain("genesis_sse_clients");
    expect(text).toContain("genesis_ffi_seconds_total");
  });

  test("SIGTERM stops it cleanly", async () => {
    const other = await spawnGenesis([]);
    expect(await other.stop()).toBe(0);
  });
});
