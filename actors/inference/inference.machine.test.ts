/**
 * The inference actor inside the whole system: a real recording replayed at
 * full speed through feed -> book -> inference -> hub, read the way the SSE
 * route reads it (a Fanout subscriber for `prediction` events).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { HubMessage } from "../hub/fanout.ts";
import { recordingPath } from "../analytics/recorded-events.ts";
import { replaySource } from "../../src/commands/market-source.ts";
import { GenesisSystem } from "../../src/system.ts";
import { parseSseQuery } from "../../views/query.ts";
import type { DeepLobModel } from "./model.ts";
import { defaultModel } from "./test-model.ts";

let model: DeepLobModel;
let system: GenesisSystem;
const messages: HubMessage[] = [];

beforeAll(async () => {
  model = await defaultModel();
  const files = [recordingPath("btcusdt_20240718.gz"), recordingPath("ethusdt_20240718.gz")];
  const source = await replaySource(files, undefined, "max");
  system = new GenesisSystem({
    mode: "replay",
    symbols: source.symbols,
    engine: "ts",
    feed: source.feed,
    specs: source.specs,
    statusIntervalMs: 0,
    inference: { model, options: { everyEvents: 20, minIntervalMs: 0 } },
  });
  const params = parseSseQuery({ events: "prediction" }, source.symbols);
  system.fanout.subscribe({ ...params, deliver: (m) => messages.push(m) > 0, close() {} });
  const done = system.finished();
  system.start();
  await done;
  // The last run may finish after the feed's last frame.
  await system.inferenceIdle();
}, 60_000);

afterAll(() => system?.stop());

describe("inference actor in the system", () => {
  test("is an actor of the system and counts its work", () => {
    expect(system.actorStates().inference).toBe("running");
    const counters = system.inferenceCounters()!;
    expect(counters.rows).toBeGreaterThan(6000);
    expect(counters.runs).toBeGreaterThan(0);
    expect(counters.errors).toBe(0);
  });

  test("publishes `prediction` events for both symbols in the SSE contract's shape", () => {
    expect(messages.length).toBeGreaterThan(10);
    const payloads = messages.map((m) => {
      expect(m.event).toBe("prediction");
      return JSON.parse(m.data) as Record<string, unknown>;
    });
    expect(new Set(payloads.map((p) => p.symbol))).toEqual(new Set(["BTCUSDT", "ETHUSDT"]));
    for (const p of payloads) {
      expect(Object.keys(p)).toEqual(["symbol", "ts", "up", "stationary", "down", "horizon", "model"]);
      expect((p.up as number) + (p.stationary as number) + (p.down as number)).toBeCloseTo(1, 5);
      expect(p.horizon).toBe(model.meta.horizon.k);
      expect(p.model).toBe(model.name);
    }
    // Per symbol, predictions follow the market's time.
    for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
      const ts = payloads.filter((p) => p.symbol === symbol).map((p) => p.ts as number);
      expect(ts.every((t, i) => i === 0 || t >= ts[i - 1]!)).toBe(true);
    }
  });

  test("batches across symbols: fewer runs than windows when both symbols are due together", () => {
    const counters = system.inferenceCounters()!;
    expect(counters.windows).toBe(messages.length);
    expect(counters.runs).toBeLessThan(counters.windows);
  });
});
