/**
 * The frame detectors in libgenesis (quote stuffing, book pressure,
 * liquidity gaps) raise exactly the alerts of the TypeScript ones, on real
 * recordings with parameters sensitive enough that all three fire often,
 * and through the whole engine; its price reach reads as price-reach.ts's;
 * the C ABI refuses bad parameters, short buffers and the packed batch call
 * on a handle that runs them.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import type { BookUpdate, MarketEvent, SymbolSpec } from "../../../src/switchboard.ts";
import { loadRecordedEvents, recordingPath, RECORDINGS_WITH_SNAPSHOT } from "../../analytics/recorded-events.ts";
import { bookEvent, tradeEvent } from "../../analytics/test-events.ts";
import type { Alert } from "../alert.ts";
import { createSurveillanceEngine } from "../engine.ts";
import { GN_ERR_CAPACITY, GN_ERR_HANDLE, GN_ERR_INVALID, GN_ERR_NULL, GN_OK, LAYOUT, NativeLifecycleError, nativeLifecycleLibrary, nativeLifecycleStatus } from "../native-lifecycle-lib.ts";
import { NativeLifecycle } from "../native-lifecycle.ts";
import { DEFAULT_PARAMS, type LiquidityGapParams } from "../params.ts";
import { createLifecycle } from "../lifecycle-choice.ts";
import { TsFrameDetectors, type FrameDetectorParams, type FrameDetectors } from "./frame-detectors.ts";
import { NativeFrameDetectors, packDetectorParams } from "./native-frame-detectors.ts";
import { PriceReach } from "./price-reach.ts";

const native = nativeLifecycleStatus().available;
const FILES = RECORDINGS_WITH_SNAPSHOT.filter((f) => existsSync(recordingPath(f)));
const SPEC: SymbolSpec = { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 };

const DEFAULTS: FrameDetectorParams = DEFAULT_PARAMS;

/** Short warm-ups, wide tails, low bars and short minimum durations: all three detectors fire tens of times per recording. */
const SENSITIVE = {
  bookPressure: { ...DEFAULT_PARAMS.bookPressure, warmupSamples: 50, minDurationMs: 100, tail: 0.05 },
  liquidityGap: { ...DEFAULT_PARAMS.liquidityGap, warmupSamples: 50, minDurationMs: 50, tail: 0.02, gapMultiple: 1.5, minGapTicks: 1 },
  quoteStuffing: { ...DEFAULT_PARAMS.quoteStuffing, warmupSamples: 50, rateMultiple: 1, minExcess: 1, minCancelRatio: 0.3, minNearShare: 0.1, quantile: 0.5 },
};

/** The frame detectors of one kind, driven as the engine drives them (its lifecycle of the same kind). */
function frameAlerts(spec: SymbolSpec, events: readonly MarketEvent[], kind: "ts" | "native", change: Partial<FrameDetectorParams> = {}): Alert[] {
  const p = { ...DEFAULTS, ...change };
  const life = createLifecycle(spec, DEFAULT_PARAMS.lifecycle, kind);
  const frame: FrameDetectors = life instanceof NativeLifecycle ? new NativeFrameDetectors(life, spec.symbol, p) : new TsFrameDetectors(spec.symbol, spec.tickSize, p);
  const out: Alert[] = [];
  for (const e of events) {
    if (e.kind === "trade") {
      life.onTrade(e);
      frame.onTrade(e.exchTsMs);
      continue;
    }
    life.onBook(e);
    life.closed.length = 0;
    life.opened.length = 0;
    frame.afterLifecycle(e, life);
    frame.stuffingTurn(e, life, out);
    frame.contextTurn(e, out);
  }
  life.dispose();
  return out;
}

/** A frame whose top of book is given (the lifecycle's levels stay empty). */
function topFrame(tsMs: number, bidPrices: number[], bidQty: number[], askPrices: number[], askQty: number[]): BookUpdate {
  return { ...bookEvent(SPEC, tsMs, []), topBidPrice: Float64Array.from(bidPrices), topBidQty: Float64Array.from(bidQty), topAskPrice: Float64Array.from(askPrices), topAskQty: Float64Array.from(askQty) };
}

describe.skipIf(!native || FILES.length === 0)("native frame detectors = TypeScript detectors", () => {
  test("on the real recordings, with parameters that make all three fire often", async () => {
    const fired = { book_pressure: 0, liquidity_gap: 0, quote_stuffing: 0 };
    for (const file of FILES) {
      const { spec, events } = await loadRecordedEvents(file);
      const ts = frameAlerts(spec, events, "ts", SENSITIVE);
      expect(frameAlerts(spec, events, "native", SENSITIVE)).toEqual(ts);
      for (const a of ts) fired[a.type as keyof typeof fired]++;
    }
    expect(fired.book_pressure).toBeGreaterThan(30);
    expect(fired.liquidity_gap).toBeGreaterThan(10);
    expect(fired.quote_stuffing).toBeGreaterThan(10);
  }, 60_000);

  test("quote stuffing counting near-touch changes against its own nearTicks (not the lifecycle's)", async () => {
    // The 2023 day (last when present) has the busiest touch: stuffing fires most there.
    const { spec, events } = await loadRecordedEvents(FILES.at(-1)!);
    const change = { quoteStuffing: { ...SENSITIVE.quoteStuffing, nearTicks: 3 } };
    const ts = frameAlerts(spec, events, "ts", change);
    expect(ts.filter((a) => a.type === "quote_stuffing").length).toBeGreaterThan(3);
    expect(frameAlerts(spec, events, "native", change)).toEqual(ts);
  }, 60_000);

  test("through the whole engine, with the same parameters", async () => {
    const { spec, events } = await loadRecordedEvents(FILES.at(-1)!);
    const run = (kind: "ts" | "native") => {
      const engine = createSurveillanceEngine(spec, SENSITIVE, kind);
      const out: Alert[] = [];
      for (let i = 0; i < events.length; i += 64) out.push(...engine.process(events.slice(i, i + 64)));
      out.push(...engine.flush());
      engine.dispose();
      return out;
    };
    const ts = run("ts");
    expect(ts.filter((a) => a.type === "book_pressure").length).toBeGreaterThan(10);
    expect(ts.filter((a) => a.type === "quote_stuffing").length).toBeGreaterThan(3);
    expect(ts.filter((a) => a.type === "liquidity_gap").length).toBeGreaterThan(0);
    expect(run("native")).toEqual(ts);
  }, 60_000);

  test("the price reach reads the same at every horizon and quantile, frame after frame", async () => {
    let compared = 0, moved = 0;
    for (const file of FILES) {
      const { spec, events } = await loadRecordedEvents(file);
      const life = new NativeLifecycle(nativeLifecycleLibrary(), spec, DEFAULT_PARAMS.lifecycle);
      const frame = new NativeFrameDetectors(life, spec.symbol, DEFAULTS);
      const reach = new PriceReach(DEFAULT_PARAMS.priceReach);
      let frames = 0;
      for (const e of events) {
        if (e.kind === "trade") {
          life.onTrade(e);
          continue;
        }
        life.onBook(e);
        reach.onMid(e.exchTsMs, life.mid2);
        if (++frames % 50 !== 0) continue;
        for (const horizonMs of [0, 300, 500, 777, 1000, 3000, 8000, 20_000]) {
          for (const q of [undefined, 0.5, 0.9]) {
            const ticks = reach.ticks(horizonMs, q);
            expect(frame.reach.ticks(horizonMs, q)).toBe(ticks);
            compared++;
            if (ticks > 0) moved++;
          }
        }
      }
      life.dispose();
    }
    expect(compared).toBeGreaterThan(1000);
    expect(moved).toBeGreaterThan(compared / 4);
  }, 60_000);
});

describe.skipIf(!native)("frame detectors: C ABI and synthetic frames", () => {
  const lib = nativeLifecycleLibrary();
  const s = lib.symbols;
  const packed = (change: Partial<LiquidityGapParams> = {}, structSize?: number) => {
    const raw = packDetectorParams({ ...DEFAULTS, liquidityGap: { ...DEFAULTS.liquidityGap, ...change } });
    if (structSize !== undefined) new DataView(raw.buffer).setUint32(0, structSize, true);
    return raw;
  };

  test("a gap that opens and closes: one alert from each, fields as the TypeScript one", () => {
    // A wide tail: with the default 0.002 a short history's high quantile is its largest gap, so a gap's own samples would raise its bar.
    const gaps = { ...DEFAULT_PARAMS.liquidityGap, warmupSamples: 4, minDurationMs: 200, tail: 0.2 };
    const events: BookUpdate[] = [];
    const bids = (gapAt: number) => Array.from({ length: 10 }, (_, i) => 100 - i * 0.1 - (i >= gapAt ? 2 : 0));
    for (let t = 0; t < 2000; t += 100) events.push(topFrame(t, bids(99), Array(10).fill(1), [100.1], [1]));
    for (let t = 2000; t < 2600; t += 100) events.push(topFrame(t, bids(3), Array(10).fill(1), [100.1], [1]));
    events.push(topFrame(2600, bids(99), Array(10).fill(1), [100.1], [1]));
    const ts = frameAlerts(SPEC, events, "ts", { liquidityGap: gaps });
    expect(ts.map((a) => [a.type, a.side, a.tsStart, a.tsEnd])).toEqual([["liquidity_gap", "bid", 2000, 2600]]);
    expect(ts[0]!.evidence).toMatchObject({ peakGapTicks: 20, durationMs: 600 });
    expect(frameAlerts(SPEC, events, "native", { liquidityGap: gaps })).toEqual(ts);
  });

  test("bad parameters, null pointers and unknown handles are refused", () => {
    const life = new NativeLifecycle(lib, SPEC, DEFAULT_PARAMS.lifecycle);
    const h = (life as unknown as { handle: number }).handle;
    for (const bad of [packed({ window: 0 }), packed({ window: 2.5 }), packed({ levels: -1 }), packed({ tail: NaN }), packed({}, 16)]) {
      expect(s.gn_lifecycle_detectors(h, bad)).toBe(GN_ERR_INVALID);
    }
    expect(s.gn_lifecycle_detectors(h, null)).toBe(GN_ERR_NULL);
    expect(s.gn_lifecycle_detectors(12345, packed())).toBe(GN_ERR_HANDLE);
    expect(s.gn_lifecycle_detector_events(12345, new Float64Array(10), 1, new Int32Array(1))).toBe(GN_ERR_HANDLE);
    expect(s.gn_lifecycle_detector_events(h, new Float64Array(10), 1, null)).toBe(GN_ERR_NULL);
    expect(() => life.enableDetectors(packed({ gapMultiple: NaN }))).toThrow(NativeLifecycleError);
    const out = new Float64Array(1);
    expect(s.gn_lifecycle_reach_ticks(h, 1000, 0.75, out)).toBe(GN_ERR_INVALID); // not enabled yet
    expect(() => life.reachTicks(1000, 0.75)).toThrow(NativeLifecycleError);
    for (const reach of [{ sampleMs: 0, window: 240 }, { sampleMs: NaN, window: 240 }, { sampleMs: Infinity, window: 240 }, { sampleMs: 500, window: 0 }]) {
      expect(s.gn_lifecycle_detectors(h, packDetectorParams({ ...DEFAULTS, priceReach: { ...DEFAULTS.priceReach, ...reach } }))).toBe(GN_ERR_INVALID);
    }
    for (const stuffing of [{ window: 0 }, { window: 1.5 }, { quantile: NaN }, { windowMs: NaN }]) {
      expect(s.gn_lifecycle_detectors(h, packDetectorParams({ ...DEFAULTS, quoteStuffing: { ...DEFAULTS.quoteStuffing, ...stuffing } }))).toBe(GN_ERR_INVALID);
    }
    expect(s.gn_lifecycle_detectors(h, packed())).toBe(GN_OK);
    expect(s.gn_lifecycle_reach_ticks(h, 1000, 0.75, out)).toBe(GN_OK);
    expect(out[0]).toBe(0); // before any sample
    expect(s.gn_lifecycle_reach_ticks(h, 1000, 0.75, null)).toBe(GN_ERR_NULL);
    life.dispose();
    expect(() => life.enableDetectors(packed())).toThrow(/used after free/);
  });

  test("a short take buffer takes nothing and says how many are queued", () => {
    const life = new NativeLifecycle(lib, SPEC, DEFAULT_PARAMS.lifecycle);
    const h = (life as unknown as { handle: number }).handle;
    life.enableDetectors(packDetectorParams({ ...DEFAULTS, liquidityGap: { ...DEFAULTS.liquidityGap, warmupSamples: 2, minDurationMs: 0, minGapTicks: 1, gapMultiple: 1, tail: 0.2 } }));
    // Both sides contiguous, then gapped, then contiguous again: one gap event per side in the closing frame.
    const gapped = [100, 99, 98], shut = [100, 99.9, 99.8];
    const frame = (t: number, bids: number[]) => life.onBook(topFrame(t, bids, [1, 1, 1], bids.map((p) => 200 - p), [1, 1, 1]));
    for (let t = 0; t < 1000; t += 100) frame(t, shut);
    frame(1000, gapped);
    frame(1100, gapped);
    expect(life.detectorEventsQueued).toBe(0);
    frame(1200, shut);
    expect(life.detectorEventsQueued).toBe(2);
    const n = new Int32Array(1);
    expect(s.gn_lifecycle_detector_events(h, new Float64Array(10), 1, n)).toBe(GN_ERR_CAPACITY);
    expect(n[0]).toBe(2);
    const out = new Float64Array(20);
    expect(life.takeDetectorEvents(out)).toBe(2);
    // [kind 1 = gap, side, start, end, peak ticks, threshold, 0 x 4]
    expect([...out.subarray(0, 10)]).toEqual([1, 0, 1000, 1200, 9, 1, 0, 0, 0, 0]);
    expect(out[10]).toBe(1);
    expect(out[11]).toBe(1);
    expect(s.gn_lifecycle_detector_events(h, out, 2, n)).toBe(GN_OK);
    expect(n[0]).toBe(0);
    life.dispose();
  });

  test("the packed batch call takes trades only on such a handle; clear() keeps the detectors", () => {
    const life = new NativeLifecycle(lib, SPEC, DEFAULT_PARAMS.lifecycle);
    const h = (life as unknown as { handle: number }).handle;
    // One book event through the raw call: [kind, ts, offsets] and its level, a top record of zeros.
    const stride = new Int32Array(1);
    expect(s.gn_lifecycle_top_stride(h, stride)).toBe(GN_OK);
    const book = (ts: number) => s.gn_lifecycle_process(h, 1, Int32Array.of(0), Float64Array.of(ts), Int32Array.of(0, 1), 1, Uint8Array.of(0), Float64Array.of(1000), Float64Array.of(1),
      null, null, null, new Float64Array(stride[0]!), new Int32Array(LAYOUT.counts), new Float64Array(2), 1, new Int32Array(3));
    expect(book(1)).toBe(GN_OK);
    life.enableDetectors(packDetectorParams(DEFAULTS));
    expect(book(2)).toBe(GN_ERR_INVALID);
    expect(life.processEvents([tradeEvent(SPEC, 3, 1000, 1, "buy")])).toBe(0);
    expect(() => life.processEvents([bookEvent(SPEC, 4, [[0, 1000, 1]])])).toThrow(/only onBook passes/);
    expect(s.gn_lifecycle_clear(h)).toBe(GN_OK);
    expect(book(5)).toBe(GN_ERR_INVALID); // still running the detectors
    expect(s.gn_lifecycle_reach_ticks(h, 1000, 0.75, new Float64Array(1))).toBe(GN_OK);
    life.dispose();
  });

  test("a quantile without a rank reads NaN, never out of bounds; infinite tails and quantiles are refused", () => {
    const life = new NativeLifecycle(lib, SPEC, DEFAULT_PARAMS.lifecycle);
    const h = (life as unknown as { handle: number }).handle;
    for (const bad of [{ bookPressure: { ...DEFAULTS.bookPressure, tail: Infinity } }, { liquidityGap: { ...DEFAULTS.liquidityGap, tail: -Infinity } }, { quoteStuffing: { ...DEFAULTS.quoteStuffing, quantile: Infinity } }]) {
      expect(s.gn_lifecycle_detectors(h, packDetectorParams({ ...DEFAULTS, ...bad }))).toBe(GN_ERR_INVALID);
    }
    const frame = new NativeFrameDetectors(life, SPEC.symbol, DEFAULTS);
    const reach = new PriceReach(DEFAULTS.priceReach);
    // Two mid samples: one move per short horizon.
    for (const [ts, mid] of [[0, 100], [500, 100.3]] as const) {
      life.onBook(topFrame(ts, [mid - 0.05], [1], [mid + 0.05], [1]));
      reach.onMid(ts, life.mid2);
    }
    for (const q of [NaN, Infinity, -Infinity, 2, -1, 0.5]) expect(frame.reach.ticks(500, q)).toBe(reach.ticks(500, q) ?? NaN);
    expect(frame.reach.ticks(500, NaN)).toBeNaN();
    expect(frame.reach.ticks(500, 2)).toBeGreaterThan(0);
    life.dispose();
  });
});
