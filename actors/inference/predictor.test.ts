import { beforeAll, describe, expect, test } from "bun:test";
import { loadRecordedEvents } from "../analytics/recorded-events.ts";
import type { BookUpdate, PredictionFact } from "../../src/switchboard.ts";
import type { DeepLobModel } from "./model.ts";
import { type Classifier, Predictor } from "./predictor.ts";
import { defaultModel } from "./test-model.ts";
import { RowWindow, writeBookRow } from "./window.ts";

let model: DeepLobModel;
let btc: BookUpdate[];
let eth: BookUpdate[];

beforeAll(async () => {
  model = await defaultModel();
  const books = (file: string) => loadRecordedEvents(file).then((r) => r.events.filter((e): e is BookUpdate => e.kind === "book"));
  [btc, eth] = await Promise.all([books("btcusdt_20240718.gz"), books("ethusdt_20240718.gz")]);
});

/** The real model, with every call and its batch size seen. */
function watched(inner: Classifier) {
  const calls: number[] = [];
  let running = 0;
  let maxConcurrent = 0;
  const classifier: Classifier = {
    meta: inner.meta,
    name: inner.name,
    inputSize: inner.inputSize,
    async predict(input, batch) {
      calls.push(batch);
      maxConcurrent = Math.max(maxConcurrent, ++running);
      try {
        return await inner.predict(input, batch);
      } finally {
        running--;
      }
    },
  };
  return { classifier, calls, maxConcurrent: () => maxConcurrent };
}

/** The model's probabilities for the window of `updates`' last rows, computed here without the predictor. */
async function directPrediction(updates: readonly BookUpdate[]): Promise<number[]> {
  const window = new RowWindow(model.meta.windowEvents, model.meta.levels);
  const row = new Float64Array(window.width);
  for (const u of updates) if (writeBookRow(u.topBidPrice, u.topBidQty, u.topAskPrice, u.topAskQty, model.meta.levels, row, 0)) window.push(row);
  const input = new Float32Array(model.inputSize);
  window.writeInput(model.meta, input, 0);
  return [...(await model.predict(input, 1))];
}

describe("predictor", () => {
  test("predicts once the window is full, from the last 100 rows, as the model does on them", async () => {
    const facts: PredictionFact[] = [];
    const predictor = new Predictor(model, (f) => facts.push(...f), { everyEvents: 1, minIntervalMs: 0 });
    const W = model.meta.windowEvents;
    predictor.onEvents(btc.slice(0, W - 1));
    await predictor.idle();
    expect(facts).toHaveLength(0);
    expect(predictor.windowSize("BTCUSDT")).toBe(W - 1);
    const updates = btc.slice(0, W + 37);
    predictor.onEvents(updates.slice(W - 1));
    await predictor.idle();
    expect(predictor.windowSize("BTCUSDT")).toBe(W);
    expect(facts).toHaveLength(1);
    const fact = facts[0]!;
    expect(fact).toMatchObject({ kind: "prediction", symbol: "BTCUSDT", exchTsMs: updates.at(-1)!.exchTsMs, horizon: model.meta.horizon.k, model: model.name });
    const expected = await directPrediction(updates.slice(-W));
    expect([fact.up, fact.stationary, fact.down]).toEqual(expected.map((p) => expect.closeTo(p, 6)) as never);
    // A window of other rows gives other probabilities: the comparison above can fail.
    const other = await directPrediction(updates.slice(0, W));
    expect(Math.max(...other.map((p, i) => Math.abs(p - expected[i]!)))).toBeGreaterThan(1e-6);
  });

  test("batches the due symbols of a feed batch into one model run", async () => {
    const { classifier, calls } = watched(model);
    const facts: PredictionFact[] = [];
    const predictor = new Predictor(classifier, (f) => facts.push(...f), { everyEvents: 1, minIntervalMs: 0 });
    const n = model.meta.windowEvents + 5;
    // Interleaved, as one replay batch of two symbols.
    const batch = btc.slice(0, n).flatMap((b, i) => [b, eth[i]!]);
    predictor.onEvents(batch);
    await predictor.idle();
    expect(calls).toEqual([2]);
    expect(facts.map((f) => f.symbol).sort()).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(predictor.counters).toMatchObject({ runs: 1, windows: 2, rows: 2 * n });
  });

  test("runs a symbol at most every N events and every M ms of its local time", async () => {
    const W = model.meta.windowEvents;
    const byEvents: PredictionFact[] = [];
    const predictor = new Predictor(model, (f) => byEvents.push(...f), { everyEvents: 10, minIntervalMs: 0 });
    for (const update of btc.slice(0, W + 35)) {
      predictor.onEvents([update]);
      await predictor.idle();
    }
    // Full at row W (10 rows since the start), then after 10, 20, 30 more.
    expect(byEvents).toHaveLength(4);

    const byTime: PredictionFact[] = [];
    const timed = new Predictor(model, (f) => byTime.push(...f), { everyEvents: 1, minIntervalMs: 1000 });
    const updates = btc.slice(0, W + 400);
    for (const update of updates) {
      timed.onEvents([update]);
      await timed.idle();
    }
    const gaps = byTime.slice(1).map((f, i) => f.localTsMs - byTime[i]!.localTsMs);
    expect(byTime.length).toBeGreaterThan(1);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
  });

  test("never overlaps runs: batches arriving during a run are coalesced and counted", async () => {
    const { classifier, calls, maxConcurrent } = watched(model);
    const facts: PredictionFact[] = [];
    const predictor = new Predictor(classifier, (f) => facts.push(...f), { everyEvents: 1, minIntervalMs: 0 });
    const W = model.meta.windowEvents;
    predictor.onEvents(btc.slice(0, W));
    // The run is in flight until a later turn of the event loop: these batches find it busy.
    for (const update of btc.slice(W, W + 20)) predictor.onEvents([update]);
    await predictor.idle();
    expect(maxConcurrent()).toBe(1);
    expect(calls).toEqual([1]);
    expect(predictor.counters.coalesced).toBe(20);
    // The next batch after the run picks up the newest window.
    predictor.onEvents([btc[W + 20]!]);
    await predictor.idle();
    expect(facts.at(-1)!.exchTsMs).toBe(btc[W + 20]!.exchTsMs);
  });

  test("skips stale, one-sided and crossed books; reset forgets the windows", async () => {
    const predictor = new Predictor(model, () => {}, {});
    const good = btc[0]!;
    const empty = new Float64Array(0);
    predictor.onEvents([
      { ...good, stale: true },
      { ...good, topBidPrice: empty, topBidQty: empty },
      { ...good, topBidPrice: good.topAskPrice },
      good,
    ]);
    expect(predictor.counters).toMatchObject({ bookUpdates: 4, skippedRows: 3, rows: 1 });
    expect(predictor.windowSize(good.symbol)).toBe(1);
    predictor.reset();
    expect(predictor.windowSize(good.symbol)).toBe(0);
  });

  test("a failing run is counted, not thrown into the feed", async () => {
    const failing: Classifier = { meta: model.meta, name: model.name, inputSize: model.inputSize, predict: () => Promise.reject(new Error("boom")) };
    const predictor = new Predictor(failing, () => {}, { everyEvents: 1, minIntervalMs: 0 });
    predictor.onEvents(btc.slice(0, model.meta.windowEvents));
    await predictor.idle();
    expect(predictor.counters.errors).toBe(1);
    expect(predictor.lastError).toBe("boom");
  });

  test("rejects nonsense options", () => {
    expect(() => new Predictor(model, () => {}, { everyEvents: 0 })).toThrow("everyEvents");
    expect(() => new Predictor(model, () => {}, { maxBatch: 0 })).toThrow("maxBatch");
  });
});
