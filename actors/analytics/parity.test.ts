/**
 * The native engine against the TypeScript reference on thousands of random
 * streams (relative tolerance 1e-9, NaN == NaN), and batch-equals-streaming:
 * one process() call over a stream gives the same rows as many small calls.
 */
import { describe, expect, test } from "bun:test";
import type { FeatureRow, MarketEvent, SymbolSpec } from "../../src/switchboard.ts";
import { createFeatureEngine, nativeStatus, type FeatureEngine } from "./engine.ts";
import { FEATURE_NAMES } from "./feature-names.ts";
import { randomEvents, rng } from "./random-events.ts";
import { firstDifference } from "./test-events.ts";

const SPECS: SymbolSpec[] = [
  { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 },
  { symbol: "XRPUSDT", tickSize: 0.0001, lotSize: 0.1 },
  { symbol: "ODDUSDT", tickSize: 0.5, lotSize: 3 }, // neither step is 1/integer
];
const STREAMS = 2000;
const native = nativeStatus().available;

/** Describes the first differing row, or undefined when every row agrees. */
function compareRows(a: FeatureRow[], b: FeatureRow[], tolerance: number): string | undefined {
  if (a.length !== b.length) return `row count ${a.length} != ${b.length}`;
  for (let r = 0; r < a.length; r++) {
    if (a[r]!.exchTsMs !== b[r]!.exchTsMs || a[r]!.symbol !== b[r]!.symbol) return `row ${r}: header differs`;
    const diff = firstDifference(a[r]!.values, b[r]!.values, FEATURE_NAMES, tolerance);
    if (diff) return `row ${r}: ${diff}`;
  }
  return undefined;
}

/** Feeds `events` in random chunks (empty chunks included). */
function processInChunks(engine: FeatureEngine, events: MarketEvent[], seed: number): FeatureRow[] {
  const r = rng(seed);
  const rows: FeatureRow[] = [];
  for (let i = 0; i < events.length; ) {
    const size = Math.floor(r() * 8); // 0..7
    rows.push(...engine.process(events.slice(i, i + size)));
    i += size;
  }
  return rows;
}

describe.skipIf(!native)("native vs TypeScript parity on random streams", () => {
  test(`${STREAMS} streams, three symbol specs, varied notionals and native window sizes`, () => {
    let rows = 0;
    for (let seed = 1; seed <= STREAMS; seed++) {
      const spec = SPECS[seed % SPECS.length]!;
      const events = randomEvents(seed, { events: 250, spec });
      const notionalUsd = [100_000, 500, 5][seed % 3]!;
      // Tiny windows push most levels into the native book's far map and force recentring.
      const nativeWindowTicks = [0, 64, 128, 4096][(seed >> 2) % 4]!;
      const ts = createFeatureEngine("ts", spec, { notionalUsd });
      const nat = createFeatureEngine("native", spec, { notionalUsd, nativeWindowTicks });
      const expected = ts.process(events);
      const actual = nat.process(events);
      nat.dispose();
      const diff = compareRows(actual, expected, 1e-9);
      if (diff) throw new Error(`seed=${seed}, spec=${spec.symbol}, notionalUsd=${notionalUsd}, nativeWindowTicks=${nativeWindowTicks}: ${diff}`);
      rows += expected.length;
    }
    expect(rows).toBeGreaterThan(STREAMS * 100);
  });

  test("the native window size never changes a result (bit for bit)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const spec = SPECS[0]!;
      const events = randomEvents(10_000 + seed, { events: 300, spec });
      const results = [0, 64, 1024].map((nativeWindowTicks) => {
        const engine = createFeatureEngine("native", spec, { nativeWindowTicks });
        const rows = engine.process(events);
        engine.dispose();
        return rows;
      });
      expect(compareRows(results[1]!, results[0]!, 0)).toBeUndefined();
      expect(compareRows(results[2]!, results[0]!, 0)).toBeUndefined();
    }
  });
});

describe.each(native ? (["ts", "native"] as const) : (["ts"] as const))("%s engine: batch equals streaming", (kind) => {
  test("one call over a stream == many small calls (bit for bit)", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const spec = SPECS[seed % SPECS.length]!;
      const events = randomEvents(20_000 + seed, { events: 300, spec });
      const whole = createFeatureEngine(kind, spec);
      const pieces = createFeatureEngine(kind, spec);
      const a = whole.process(events);
      const b = processInChunks(pieces, events, seed);
      whole.dispose();
      pieces.dispose();
      const diff = compareRows(b, a, 0);
      if (diff) throw new Error(`seed=${seed}: ${diff}`);
    }
  });

  test("rows are independent copies", () => {
    const spec = SPECS[0]!;
    const engine = createFeatureEngine(kind, spec);
    const events = randomEvents(7, { events: 400, spec });
    const first = engine.process(events.slice(0, 200));
    const snapshot = first.map((row) => row.values.slice());
    engine.process(events.slice(200)); // would overwrite a shared output buffer
    first.forEach((row, i) => expect(firstDifference(row.values, snapshot[i]!, FEATURE_NAMES, 0)).toBeUndefined());
    expect(new Set(first.map((row) => row.values.buffer)).size).toBe(first.length);
    engine.dispose();
  });
});
