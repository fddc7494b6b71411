/**
 * The optimised Lifecycle (row table, merged rolling sorts) against the
 * straightforward reference on random, simulated and real event streams:
 * every inferred count, touch, size reference, level state and episode
 * (opened and closed, all fields, trade prints included) must be identical
 * after every event.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import type { MarketEvent, SymbolSpec } from "../../src/switchboard.ts";
import { randomEvents } from "../analytics/random-events.ts";
import { loadRecordedEvents, recordingPath } from "../analytics/recorded-events.ts";
import { loadDiffOnlyEvents } from "./diff-recording.ts";
import { Lifecycle } from "./lifecycle.ts";
import { ReferenceLifecycle } from "./lifecycle-reference.ts";
import { DEFAULT_PARAMS, type LifecycleParams } from "./params.ts";
import { TestMarket } from "./test-market.ts";

const SPEC: SymbolSpec = { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 };

function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** Feeds both and returns the number of episodes compared; throws at the first difference. */
function compare(spec: SymbolSpec, events: readonly MarketEvent[], params: LifecycleParams = DEFAULT_PARAMS.lifecycle): number {
  const fast = new Lifecycle(spec, params);
  const ref = new ReferenceLifecycle(spec, params);
  let episodes = 0;
  const fail = (i: number, what: string, a: unknown, b: unknown): never => {
    throw new Error(`event ${i}: ${what} differs: optimised=${JSON.stringify(a)} reference=${JSON.stringify(b)}`);
  };
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind === "trade") {
      fast.onTrade(e);
      ref.onTrade(e);
    } else {
      fast.onBook(e);
      ref.onBook(e);
      for (let k = 0; k < e.levelSide.length; k++) {
        const side = e.levelSide[k]!, p = e.levelPriceTicks[k]! | 0;
        if (!same(fast.qtyAt(side, p), ref.qtyAt(side, p))) fail(i, `qty ${side}@${p}`, fast.qtyAt(side, p), ref.qtyAt(side, p));
        if (!same(fast.lastChangeTsMs(side, p), ref.lastChangeTsMs(side, p))) fail(i, `lastChange ${side}@${p}`, fast.lastChangeTsMs(side, p), ref.lastChangeTsMs(side, p));
      }
    }
    if (i === events.length - 1) {
      fast.flush();
      ref.flush();
    }
    const scalars: [string, number, number][] = [
      ["adds", fast.counts.adds, ref.counts.adds], ["cancels", fast.counts.cancels, ref.counts.cancels],
      ["consumed", fast.counts.consumed, ref.counts.consumed],
      ["bidCancels", fast.counts.cancelsBySide[0]!, ref.counts.cancelsBySide[0]!], ["askCancels", fast.counts.cancelsBySide[1]!, ref.counts.cancelsBySide[1]!],
      ["bestBid", fast.bestBidTicks, ref.bestBidTicks], ["bestAsk", fast.bestAskTicks, ref.bestAskTicks], ["mid2", fast.mid2, ref.mid2],
      ["now", fast.nowTsMs, ref.nowTsMs], ["refQty", fast.refQty(), ref.refQty()], ["volTicks", fast.volTicks(), ref.volTicks()],
      ["cumBid", fast.cumAggressorQty[0]!, ref.cumAggressorQty[0]!], ["cumAsk", fast.cumAggressorQty[1]!, ref.cumAggressorQty[1]!],
      ["opened", fast.opened.length, ref.opened.length], ["closed", fast.closed.length, ref.closed.length],
    ];
    for (const [what, a, b] of scalars) if (!same(a, b)) fail(i, what, a, b);
    for (const [a, b] of [[fast.opened, ref.opened], [fast.closed, ref.closed]] as const) {
      for (let k = 0; k < a.length; k++) {
        // Bun.deepEquals treats NaN as equal to NaN, which is what a field such as mid2AtAdd needs.
        if (!Bun.deepEquals(a[k], b[k], true)) fail(i, "episode", a[k], b[k]);
      }
      episodes += a.length;
      a.length = 0;
      b.length = 0;
    }
  }
  return episodes;
}

describe("optimised lifecycle = reference lifecycle", () => {
  test("random streams (resets, odd sizes, far prices)", () => {
    for (let seed = 1; seed <= 12; seed++) compare(SPEC, randomEvents(seed, { events: 4000, spec: SPEC }));
    // Tiny windows and a low tracking bar: many large episodes, refreshes and slot evictions.
    const busy: LifecycleParams = { ...DEFAULT_PARAMS.lifecycle, addWindow: 10, depthWindow: 7, volWindow: 5, trackMultiple: 0.5, settleMs: 0 };
    let episodes = 0;
    for (let seed = 1; seed <= 6; seed++) episodes += compare(SPEC, randomEvents(seed, { events: 4000, spec: SPEC }), busy);
    expect(episodes).toBeGreaterThan(100);
    // A band a few ticks wide: levels drift across it with open episodes and pending trades.
    const narrow: LifecycleParams = { ...busy, bandTicks: 3, bandVolMultiple: 1 };
    for (let seed = 1; seed <= 6; seed++) compare(SPEC, randomEvents(seed, { events: 4000, spec: SPEC }), narrow);
  });

  test("a narrow band on a real recording", async () => {
    const file = ["btcusdt_20240718.gz"].filter((f) => existsSync(recordingPath(f)));
    if (file.length === 0) return;
    const { spec, events } = await loadRecordedEvents(file[0]!);
    expect(compare(spec, events.slice(0, 200_000), { ...DEFAULT_PARAMS.lifecycle, bandTicks: 5, bandVolMultiple: 2 })).toBeGreaterThan(0);
  }, 60_000);

  test("simulated market", () => {
    const m = new TestMarket(SPEC, 1, 7);
    m.run(120_000);
    expect(compare(SPEC, m.events)).toBeGreaterThan(0);
  });

  const withSnapshot = ["btcusdt_20240718.gz", "ethusdt_20240718.gz"].filter((f) => existsSync(recordingPath(f)));
  test.skipIf(withSnapshot.length === 0)("real recordings with a snapshot", async () => {
    for (const file of withSnapshot) {
      const { spec, events } = await loadRecordedEvents(file);
      expect(compare(spec, events)).toBeGreaterThan(10);
    }
  });

  const diffOnly = ["btcusdt_20240719.gz", "ethusdt_20240719.gz"].filter((f) => existsSync(recordingPath(f)));
  test.skipIf(diffOnly.length === 0)("real recordings without a snapshot", async () => {
    for (const file of diffOnly) {
      const { spec, events } = await loadDiffOnlyEvents(file);
      expect(compare(spec, events)).toBeGreaterThan(0);
    }
  });
});
