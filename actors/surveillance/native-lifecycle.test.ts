/**
 * The native lifecycle (libgenesis) against the TypeScript one, the
 * reference: after every book update the same counts, touch, size
 * reference, volatility, clock, aggressor totals and level states, and the
 * same opened and closed episodes (every field, trade prints included), and
 * the near-touch counts quote stuffing would have counted itself, on
 * the real recordings, on those recordings with injected manipulation, on
 * random streams and on the simulated market. Then batch = streaming: one
 * library call per batch, per depth frame or per event gives the same.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import type { BookUpdate, MarketEvent, SymbolSpec, Trade } from "../../src/switchboard.ts";
import { randomEvents } from "../analytics/random-events.ts";
import { loadRecordedEvents, recordingPath } from "../analytics/recorded-events.ts";
import { INJECTABLE_TYPES, injectEpisodes } from "./agents/inject.ts";
import { nearTouchChanges } from "./detectors/quote-stuffing.ts";
import { loadDiffOnlyEvents } from "./diff-recording.ts";
import { Lifecycle, type Episode } from "./lifecycle.ts";
import { nativeLifecycleLibrary, nativeLifecycleStatus } from "./native-lifecycle-lib.ts";
import { NativeLifecycle } from "./native-lifecycle.ts";
import { DEFAULT_PARAMS, type LifecycleParams } from "./params.ts";
import { TestMarket } from "./test-market.ts";

const SPEC: SymbolSpec = { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 };
const native = nativeLifecycleStatus().available;
const WITH_SNAPSHOT = ["btcusdt_20240718.gz", "ethusdt_20240718.gz", "btcusdt_20230404.dat.gz"].filter((f) => existsSync(recordingPath(f)));
const DIFF_ONLY = ["btcusdt_20240719.gz"].filter((f) => existsSync(recordingPath(f)));
/** Tiny windows and a low tracking bar: many large episodes, refreshes, slot evictions and drops. */
const BUSY: LifecycleParams = { ...DEFAULT_PARAMS.lifecycle, addWindow: 10, depthWindow: 7, volWindow: 5, trackMultiple: 0.5, settleMs: 0 };

function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** A deep copy of an episode as it reads now (NaN kept as a string so that toEqual can compare it). */
function frozen(ep: Episode): string {
  return JSON.stringify(ep, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
}

interface Totals {
  updates: number;
  trades: number;
  opened: number;
  closed: number;
}

/** Feeds both, compares after every book update and at the end; throws at the first difference. */
function compare(spec: SymbolSpec, events: readonly MarketEvent[], params: LifecycleParams = DEFAULT_PARAMS.lifecycle): Totals {
  const ts = new Lifecycle(spec, params);
  const nat = new NativeLifecycle(nativeLifecycleLibrary(), spec, params);
  const totals: Totals = { updates: 0, trades: 0, opened: 0, closed: 0 };
  const near = new Int32Array(2);
  const fail = (i: number, what: string, a: unknown, b: unknown): never => {
    throw new Error(`event ${i}: ${what} differs: ts=${JSON.stringify(a)} native=${JSON.stringify(b)}`);
  };
  try {
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.kind === "trade") {
        ts.onTrade(e);
        nat.onTrade(e);
        // The clock tick with trades buffered on the native side: they must count before anything is released.
        if (++totals.trades % 5 === 0) {
          ts.advance(e.exchTsMs + 150);
          nat.advance(e.exchTsMs + 150);
          totals.closed += drain(i, ts.closed, nat.closed, fail);
        }
        continue;
      }
      ts.onBook(e);
      nat.onBook(e);
      totals.updates++;
      const scalars: [string, number, number][] = [
        ["adds", ts.counts.adds, nat.counts.adds], ["cancels", ts.counts.cancels, nat.counts.cancels], ["consumed", ts.counts.consumed, nat.counts.consumed],
        ["bidCancels", ts.counts.cancelsBySide[0]!, nat.counts.cancelsBySide[0]!], ["askCancels", ts.counts.cancelsBySide[1]!, nat.counts.cancelsBySide[1]!],
        ["bestBid", ts.bestBidTicks, nat.bestBidTicks], ["bestAsk", ts.bestAskTicks, nat.bestAskTicks], ["mid2", ts.mid2, nat.mid2],
        ["refQty", ts.refQty(), nat.refQty()], ["volTicks", ts.volTicks(), nat.volTicks()],
        ["opened", ts.opened.length, nat.opened.length], ["closed", ts.closed.length, nat.closed.length],
      ];
      // Quote stuffing's own count against the touch after the update (none for a reset).
      if (e.reset) near.fill(0);
      else nearTouchChanges(e, ts.bestBidTicks, ts.bestAskTicks, params.nearTicks, near);
      if (nat.counts.nearTicks !== params.nearTicks) fail(i, "nearTicks", params.nearTicks, nat.counts.nearTicks);
      scalars.push(["near", near[0]!, nat.counts.near], ["nearBid", near[1]!, nat.counts.nearBid]);
      // The clock and totals read through the library flush the buffered trades: only now and then.
      if (totals.updates % 50 === 0) {
        scalars.push(["now", ts.nowTsMs, nat.nowTsMs], ["cumBid", ts.cumAggressorQty[0]!, nat.cumAggressorQty[0]!], ["cumAsk", ts.cumAggressorQty[1]!, nat.cumAggressorQty[1]!]);
      }
      for (const [what, a, b] of scalars) if (!same(a, b)) fail(i, what, a, b);
      for (let k = 0; k < e.levelSide.length; k++) {
        const side = e.levelSide[k]!, p = e.levelPriceTicks[k]!;
        if (!same(ts.qtyAt(side, p), nat.qtyAt(side, p))) fail(i, `qty ${side}@${p}`, ts.qtyAt(side, p), nat.qtyAt(side, p));
        if (!same(ts.lastChangeTsMs(side, p), nat.lastChangeTsMs(side, p))) fail(i, `lastChange ${side}@${p}`, ts.lastChangeTsMs(side, p), nat.lastChangeTsMs(side, p));
      }
      totals.opened += drain(i, ts.opened, nat.opened, fail);
      totals.closed += drain(i, ts.closed, nat.closed, fail);
      // The service's clock tick between events: settled episodes leave early, the same ones.
      if (totals.updates % 7 === 0) {
        ts.advance(e.exchTsMs + 150);
        nat.advance(e.exchTsMs + 150);
        totals.closed += drain(i, ts.closed, nat.closed, fail);
      }
    }
    ts.flush();
    nat.flush();
    totals.closed += drain(events.length, ts.closed, nat.closed, fail);
    for (const [what, a, b] of [["now", ts.nowTsMs, nat.nowTsMs], ["cumBid", ts.cumAggressorQty[0]!, nat.cumAggressorQty[0]!], ["cumAsk", ts.cumAggressorQty[1]!, nat.cumAggressorQty[1]!]] as const) {
      if (!same(a, b)) fail(events.length, what, a, b);
    }
  } finally {
    nat.dispose();
  }
  return totals;
}

/** Compares two episode lists field by field, empties them, returns how many there were. */
function drain(i: number, a: Episode[], b: Episode[], fail: (i: number, what: string, a: unknown, b: unknown) => never): number {
  if (a.length !== b.length) fail(i, "episode count", a.length, b.length);
  for (let k = 0; k < a.length; k++) {
    // Bun.deepEquals treats NaN as equal to NaN (mid2AtAdd of a one-sided book).
    if (!Bun.deepEquals(a[k], b[k], true) || Object.keys(a[k]!).join() !== Object.keys(b[k]!).join()) fail(i, "episode", a[k], b[k]);
  }
  const n = a.length;
  a.length = 0;
  b.length = 0;
  return n;
}

describe.skipIf(!native)("native lifecycle = TypeScript lifecycle", () => {
  test.skipIf(WITH_SNAPSHOT.length === 0)("real recordings with a snapshot", async () => {
    for (const file of WITH_SNAPSHOT) {
      const { spec, events } = await loadRecordedEvents(file);
      const totals = compare(spec, events);
      expect(totals.updates).toBeGreaterThan(1000);
      expect(totals.closed).toBeGreaterThan(10);
    }
  }, 60_000);

  test.skipIf(DIFF_ONLY.length === 0)("a real recording without a snapshot", async () => {
    for (const file of DIFF_ONLY) {
      const { spec, events } = await loadDiffOnlyEvents(file);
      expect(compare(spec, events).closed).toBeGreaterThan(0);
    }
  }, 60_000);

  test.skipIf(WITH_SNAPSHOT.length === 0)("real recordings with injected manipulation", async () => {
    const { spec, events } = await loadRecordedEvents(WITH_SNAPSHOT[0]!);
    const types = Array.from({ length: 30 }, (_, i) => INJECTABLE_TYPES[i % INJECTABLE_TYPES.length]!);
    const injected = injectEpisodes(events, spec, types, 3);
    expect(injected.used).toBeGreaterThan(5);
    expect(compare(spec, injected.events).closed).toBeGreaterThan(10);
  }, 60_000);

  test("random streams (resets, odd sizes, far prices), default and busy parameters", () => {
    for (let seed = 1; seed <= 8; seed++) compare(SPEC, randomEvents(seed, { events: 4000, spec: SPEC }));
    let closed = 0;
    for (let seed = 1; seed <= 6; seed++) closed += compare(SPEC, randomEvents(seed, { events: 4000, spec: SPEC }), BUSY).closed;
    expect(closed).toBeGreaterThan(100);
    // A band a few ticks wide: levels drift across it with open episodes and pending trades.
    for (let seed = 1; seed <= 6; seed++) compare(SPEC, randomEvents(seed, { events: 4000, spec: SPEC }), { ...BUSY, bandTicks: 3, bandVolMultiple: 1, nearTicks: 2 });
  });

  test("simulated market", () => {
    const m = new TestMarket(SPEC, 1, 7);
    m.run(120_000);
    expect(compare(SPEC, m.events).opened).toBeGreaterThan(0);
  });

  test("pending prints leave when spent (a remainder of at most 1e-12, a print of 0) or older than tradeMatchMs, whatever came after them", () => {
    const top = (ticks: number) => Float64Array.of(ticks * SPEC.tickSize);
    const book = (tsMs: number, levels: [number, number, number][], reset = false): BookUpdate => ({
      kind: "book", symbol: SPEC.symbol, exchTsMs: tsMs, localTsMs: tsMs, u: tsMs, reset, stale: false,
      levelSide: Uint8Array.from(levels, (l) => l[0]), levelPriceTicks: Float64Array.from(levels, (l) => l[1]), levelQty: Float64Array.from(levels, (l) => l[2]),
      topBidPrice: top(110), topBidQty: Float64Array.of(5), topAskPrice: top(111), topAskQty: Float64Array.of(5),
    });
    const print = (tsMs: number, priceTicks: number, qty: number): Trade => ({ kind: "trade", symbol: SPEC.symbol, exchTsMs: tsMs, localTsMs: tsMs, tradeId: tsMs, priceTicks, price: priceTicks * SPEC.tickSize, qty, side: "sell" });
    const events: MarketEvent[] = [
      book(0, [[0, 110, 5], [0, 109, 5], [0, 108, 5], [0, 107, 5], [0, 106, 5], [1, 111, 5]], true),
      // 109: 1 of a print of 1 + 1e-13 consumed; the 1e-13 left is spent and explains nothing after.
      print(100, 109, 1 + 1e-13), book(150, [[0, 109, 4]]), book(250, [[0, 109, 3]]),
      // 108: a print of 0 explains nothing.
      print(300, 108, 0), book(350, [[0, 108, 4]]),
      // 110: a print stamped 900 is out of the window at 1950, though one stamped 2000 (ahead of
      // the frames) came after it; then one stamped 1000 comes after that 2000 one (out of order).
      print(900, 110, 1), print(2000, 107, 1), book(1950, [[0, 110, 4]]), book(2050, [[0, 107, 4]]),
      print(1000, 106, 1), book(2100, [[0, 106, 4]]),
    ];
    compare(SPEC, events);
    const ts = new Lifecycle(SPEC, DEFAULT_PARAMS.lifecycle);
    const consumed: number[] = [];
    for (const e of events) {
      if (e.kind === "trade") ts.onTrade(e);
      else {
        ts.onBook(e);
        consumed.push(ts.counts.consumed);
      }
    }
    expect(consumed).toEqual([0, 1, 0, 0, 0, 1, 0]);
  });

  test("removals beyond the band that a print explains: consumed, the rest cancelled (the far path's matching branch)", () => {
    // Random streams rarely print behind the band: here prints hit bid levels 6 ticks behind the touch, band 3 ticks.
    const params: LifecycleParams = { ...DEFAULT_PARAMS.lifecycle, bandTicks: 3, bandVolMultiple: 0 };
    const m = new TestMarket(SPEC, 1, 5);
    m.backgroundTrades = false;
    m.run(2_000);
    const frames: number[] = [];
    for (let k = 0; k < 20; k++) {
      const price = m.bestBid - 6;
      const qty = m.book.side(0).qtyAt(price);
      // Half printed; on odd rounds the level also loses a cancelled 0.1.
      m.trade(price, qty / 2, "sell", [[0, price, k % 2 === 0 ? qty / 2 : Math.max(0, qty / 2 - 0.1)]]);
      m.step();
      frames.push(m.events.length - 1);
      m.run(300);
    }
    compare(SPEC, m.events, params);
    const nat = new NativeLifecycle(nativeLifecycleLibrary(), SPEC, params);
    let consumed = 0, cancelled = 0;
    for (let i = 0; i < m.events.length; i++) {
      const e = m.events[i]!;
      if (e.kind === "trade") nat.onTrade(e);
      else nat.onBook(e);
      if (!frames.includes(i)) continue;
      consumed += nat.counts.consumed;
      cancelled += nat.counts.cancelsBySide[0]!;
    }
    nat.dispose();
    // A few of these frames also carry a background change at the same price, which replaces the removal.
    expect(consumed).toBeGreaterThanOrEqual(15);
    expect(cancelled).toBeGreaterThanOrEqual(5);
  });
});

/** Everything an update exposes, as one string per update (episodes frozen when the update ends). */
type Trace = string[];

function traceUpdate(life: NativeLifecycle): string {
  const c = life.counts;
  const eps = (list: Episode[]) => list.splice(0).map(frozen).join(";");
  return [c.adds, c.cancels, c.consumed, c.cancelsBySide.join("/"), c.near, c.nearBid, life.bestBidTicks, life.bestAskTicks, life.mid2, eps(life.opened), eps(life.closed)].join("|");
}

function streamed(spec: SymbolSpec, events: readonly MarketEvent[], params: LifecycleParams): Trace {
  const life = new NativeLifecycle(nativeLifecycleLibrary(), spec, params);
  const trace: Trace = [];
  for (const e of events) {
    if (e.kind === "trade") life.onTrade(e);
    else {
      life.onBook(e);
      trace.push(traceUpdate(life));
    }
  }
  life.flush();
  trace.push(traceUpdate(life));
  life.dispose();
  return trace;
}

/** `chunk` events per gn_lifecycle_process call (1: one call per event, trades included). */
function batched(spec: SymbolSpec, events: readonly MarketEvent[], params: LifecycleParams, chunk: number): Trace {
  const life = new NativeLifecycle(nativeLifecycleLibrary(), spec, params);
  const trace: Trace = [];
  for (let i = 0; i < events.length; i += chunk) life.processEvents(events.slice(i, i + chunk), () => trace.push(traceUpdate(life)));
  life.flush();
  trace.push(traceUpdate(life));
  life.dispose();
  return trace;
}

describe.skipIf(!native)("batch = streaming", () => {
  const cases: [string, () => Promise<{ spec: SymbolSpec; events: MarketEvent[] }>, LifecycleParams][] = [
    ["random stream, busy parameters", async () => ({ spec: SPEC, events: randomEvents(5, { events: 4000, spec: SPEC }) }), BUSY],
    ["simulated market", async () => {
      const m = new TestMarket(SPEC, 1, 3);
      m.run(60_000);
      return { spec: SPEC, events: m.events };
    }, DEFAULT_PARAMS.lifecycle],
  ];
  if (WITH_SNAPSHOT.length > 0) cases.push(["real recording", () => loadRecordedEvents(WITH_SNAPSHOT[0]!), DEFAULT_PARAMS.lifecycle]);

  for (const [name, load, params] of cases) {
    test(`${name}: one call per frame, per event, per 37 events and per batch`, async () => {
      const { spec, events } = await load();
      const perFrame = streamed(spec, events, params);
      expect(perFrame.length).toBeGreaterThan(100);
      expect(perFrame.filter((u) => !u.endsWith("|")).length).toBeGreaterThan(0); // updates that released episodes
      expect(batched(spec, events, params, 1)).toEqual(perFrame);
      expect(batched(spec, events, params, 37)).toEqual(perFrame);
      expect(batched(spec, events, params, events.length)).toEqual(perFrame);
    }, 60_000);
  }
});
