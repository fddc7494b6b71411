/**
 * Bad input never crashes the native lifecycle: unknown, zero and freed
 * handles give GN_ERR_HANDLE; bad parameters, events and buffers give a
 * status and change nothing; the TypeScript class throws typed errors that
 * name the values, also on use after free; a stale library is reported.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ASK, BID, type BookUpdate, type SymbolSpec, type Trade } from "../../src/switchboard.ts";
import { bookEvent, tradeEvent } from "../analytics/test-events.ts";
import { Lifecycle } from "./lifecycle.ts";
import { createLifecycle } from "./lifecycle-choice.ts";
import { GN_ERR_CAPACITY, GN_ERR_HANDLE, GN_ERR_INVALID, GN_ERR_NULL, GN_OK, LAYOUT, NativeLifecycleError, nativeLifecycleLibrary, nativeLifecycleStatus, openNativeLifecycle } from "./native-lifecycle-lib.ts";
import { NativeLifecycle } from "./native-lifecycle.ts";
import { DEFAULT_PARAMS } from "./params.ts";

const SPEC: SymbolSpec = { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 };
const native = nativeLifecycleStatus().available;
const gxx = Bun.which("g++") ?? Bun.which("c++");

/** gn_lifecycle_params as the library reads it, with one field changed. */
function params(change: Partial<Record<keyof typeof DEFAULT_PARAMS.lifecycle, number>> = {}, structSize = 8 + 8 * 15): Uint8Array {
  const p = { ...DEFAULT_PARAMS.lifecycle, ...change };
  const values = [p.nearTicks, p.depthLevels, p.addWindow, p.depthSampleMs, p.depthWindow, p.depthFactor, p.trackMultiple, p.tradeMatchMs, p.settleMs, p.episodeMergeMs, p.closeFraction, p.volSampleMs, p.volWindow, p.bandTicks, p.bandVolMultiple];
  const view = new DataView(new ArrayBuffer(8 + 8 * values.length));
  view.setUint32(0, structSize, true);
  values.forEach((v, i) => view.setFloat64(8 + 8 * i, v, true));
  return new Uint8Array(view.buffer);
}

describe.skipIf(!native)("raw C ABI", () => {
  const { symbols: s } = nativeLifecycleLibrary();
  const newHandle = (): number => {
    const out = new Uint32Array(1);
    expect(s.gn_lifecycle_new(0.1, params(), out)).toBe(GN_OK);
    expect(out[0]).toBeGreaterThan(0);
    return out[0]!;
  };

  test("layout constants match the binding", () => {
    const layout = new Int32Array(5);
    expect(s.gn_lifecycle_layout(layout, 5)).toBe(GN_OK);
    expect([...layout]).toEqual([LAYOUT.recordDoubles, LAYOUT.counts, LAYOUT.touch, LAYOUT.state, LAYOUT.topFixed]);
  });

  test("bad parameters are refused with GN_ERR_INVALID and no handle", () => {
    const out = new Uint32Array([77]);
    for (const bad of [params({ addWindow: 0 }), params({ volWindow: 2.5 }), params({ depthLevels: -1 }), params({ closeFraction: NaN }), params({}, 16)]) {
      expect(s.gn_lifecycle_new(0.1, bad, out)).toBe(GN_ERR_INVALID);
      expect(out[0]).toBe(0);
    }
    expect(s.gn_lifecycle_new(0, params(), out)).toBe(GN_ERR_INVALID);
    expect(s.gn_lifecycle_new(NaN, params(), out)).toBe(GN_ERR_INVALID);
    expect(s.gn_lifecycle_new(0.1, null, out)).toBe(GN_ERR_NULL);
  });

  test("zero, unknown and freed handles give GN_ERR_HANDLE from every call; a double free too", () => {
    const h = newHandle();
    expect(s.gn_lifecycle_free(h)).toBe(GN_OK);
    const info = new Int32Array(3), d = new Float64Array(64), i32 = new Int32Array(64), sizes = new Int32Array(7);
    for (const bad of [0, h, 0xdeadbeef, h + 1, (h & 0xffff) | 0xffff0000]) {
      expect(s.gn_lifecycle_free(bad)).toBe(GN_ERR_HANDLE);
      expect(s.gn_lifecycle_clear(bad)).toBe(GN_ERR_HANDLE);
      expect(s.gn_lifecycle_top_stride(bad, i32)).toBe(GN_ERR_HANDLE);
      expect(s.gn_lifecycle_process(bad, 0, i32, d, i32, 0, null, null, null, null, null, null, null, i32, d, 1, info)).toBe(GN_ERR_HANDLE);
      expect(s.gn_lifecycle_frame(bad, sizes, 1, null, null, null, null, null, null, null, null, null, null, null, i32, d, info)).toBe(GN_ERR_HANDLE);
      expect(s.gn_lifecycle_flush(bad, info)).toBe(GN_ERR_HANDLE);
      expect(s.gn_lifecycle_advance(bad, 1, info)).toBe(GN_ERR_HANDLE);
      expect(s.gn_lifecycle_take(bad, d, 1, d, 64, info)).toBe(GN_ERR_HANDLE);
      expect(s.gn_lifecycle_level(bad, 0, 100, d)).toBe(GN_ERR_HANDLE);
      expect(s.gn_lifecycle_state(bad, d, 8)).toBe(GN_ERR_HANDLE);
    }
    // A new instance may reuse the slot, never the freed handle's number.
    const again = newHandle();
    expect(again).not.toBe(h);
    expect(s.gn_lifecycle_state(h, d, 8)).toBe(GN_ERR_HANDLE);
    expect(s.gn_lifecycle_free(again)).toBe(GN_OK);
  });

  test("every level is validated, at any position of the frame (paired and odd ones), with the bounds exact", () => {
    const h = newHandle();
    const info = new Int32Array(3), counts = new Int32Array(LAYOUT.counts), touch = new Float64Array(2), sizes = new Int32Array(7);
    const bidPrice = Float64Array.of(100), askPrice = Float64Array.of(100.1);
    const frame = (price: number[], qty: number[], side: number[]) => {
      sizes.set([0, 1, price.length, 1, 0, 1, 0]);
      return s.gn_lifecycle_frame(h, sizes, 1000, null, null, null, null, Uint8Array.from(side), Float64Array.from(price), Float64Array.from(qty), bidPrice, null, askPrice, null, counts, touch, info);
    };
    const badPrices = [1000.5, 2 ** 31, -(2 ** 31), 2 ** 31 - 0.5, NaN, Infinity, -Infinity, 2 ** 52 + 2];
    const badQty = [-1, -Number.MIN_VALUE, NaN, Infinity, -Infinity];
    for (let n = 1; n <= 5; n++) {
      for (let at = 0; at < n; at++) {
        const price = Array.from({ length: n }, (_, i) => 1000 + i), qty = Array(n).fill(1), side = Array(n).fill(BID);
        for (const bad of badPrices) expect(frame(price.map((p, i) => (i === at ? bad : p)), qty, side)).toBe(GN_ERR_INVALID);
        for (const bad of badQty) expect(frame(price, qty.map((q, i) => (i === at ? bad : q)), side)).toBe(GN_ERR_INVALID);
        expect(frame(price, qty, side.map((x, i) => (i === at ? 2 : x)))).toBe(GN_ERR_INVALID);
        // The bounds themselves are valid: +-(2^31 - 1), -0, a quantity of 0 and the largest finite one.
        for (const edge of [2 ** 31 - 1, -(2 ** 31 - 1), -0]) expect(frame(price.map((p, i) => (i === at ? edge : p)), qty, side)).toBe(GN_OK);
        for (const edge of [0, Number.MAX_VALUE]) expect(frame(price, qty.map((q, i) => (i === at ? edge : q)), side)).toBe(GN_OK);
      }
    }
  });

  test("invalid events, null buffers and a short output buffer change nothing", () => {
    const h = newHandle();
    const info = new Int32Array(3), counts = new Int32Array(LAYOUT.counts * 4), touch = new Float64Array(2 * 4), sizes = new Int32Array(7);
    const side = Uint8Array.of(BID, ASK), qty = Float64Array.of(1, 2), bidPrice = Float64Array.of(100), askPrice = Float64Array.of(100.1);
    const frame = (price: Float64Array, s2 = side, q = qty, ts = 1000) => {
      sizes.set([0, 1, 2, 1, 0, 1, 0]);
      return s.gn_lifecycle_frame(h, sizes, ts, null, null, null, null, s2, price, q, bidPrice, null, askPrice, null, counts, touch, info);
    };
    expect(frame(Float64Array.of(1000.5, 1001))).toBe(GN_ERR_INVALID);
    expect(frame(Float64Array.of(1000, 2 ** 31))).toBe(GN_ERR_INVALID);
    expect(frame(Float64Array.of(1000, 1001), Uint8Array.of(BID, 2))).toBe(GN_ERR_INVALID);
    expect(frame(Float64Array.of(1000, 1001), side, Float64Array.of(1, -1))).toBe(GN_ERR_INVALID);
    expect(frame(Float64Array.of(1000, 1001), side, Float64Array.of(1, Infinity))).toBe(GN_ERR_INVALID);
    expect(frame(Float64Array.of(1000, 1001), side, qty, NaN)).toBe(GN_ERR_INVALID);
    expect(s.gn_lifecycle_advance(h, NaN, info)).toBe(GN_ERR_INVALID);
    expect(s.gn_lifecycle_advance(h, 1, null)).toBe(GN_ERR_NULL);
    sizes.set([0, 0, 2, 0, 0, 0, 0]);
    expect(s.gn_lifecycle_frame(h, sizes, 1, null, null, null, null, null, null, null, null, null, null, null, counts, touch, info)).toBe(GN_ERR_NULL);
    const level = new Float64Array(2);
    expect(s.gn_lifecycle_level(h, BID, 1000, level)).toBe(GN_OK);
    expect([...level]).toEqual([0, -Infinity]); // nothing was applied
    expect(s.gn_lifecycle_level(h, 2, 1000, level)).toBe(GN_ERR_INVALID);
    expect(frame(Float64Array.of(1000, 1001))).toBe(GN_OK);
    expect(s.gn_lifecycle_level(h, BID, 1000, level)).toBe(GN_OK);
    expect([...level]).toEqual([1, 1000]);

    // A batch with an invalid trade (side 0) is refused whole, with its index.
    const kind = Int32Array.of(2, 2), ts = Float64Array.of(2000, 2001), offsets = Int32Array.of(0, 0, 0);
    const tp = Float64Array.of(1001, 1001), tq = Float64Array.of(1, 1), tside = Int8Array.of(1, 0);
    expect(s.gn_lifecycle_process(h, 2, kind, ts, offsets, 0, null, null, null, tp, tq, tside, null, counts, touch, 4, info)).toBe(GN_ERR_INVALID);
    expect(info[0]).toBe(1);
    const state = new Float64Array(8);
    expect(s.gn_lifecycle_state(h, state, 8)).toBe(GN_OK);
    expect(state[5]).toBe(0); // no buy-aggressor volume was counted
    // More book events than output rows: GN_ERR_CAPACITY with the rows needed.
    const top = new Float64Array(3 * (LAYOUT.topFixed + 2 * DEFAULT_PARAMS.lifecycle.depthLevels));
    const bk = Int32Array.of(0, 0, 0), bts = Float64Array.of(3000, 3001, 3002), boff = Int32Array.of(0, 0, 0, 0);
    expect(s.gn_lifecycle_process(h, 3, bk, bts, boff, 0, null, null, null, null, null, null, top, counts, touch, 2, info)).toBe(GN_ERR_CAPACITY);
    expect(info[0]).toBe(3);
    expect(s.gn_lifecycle_free(h)).toBe(GN_OK);
  });

  test("take refuses a short buffer and keeps the records", () => {
    const life = new NativeLifecycle(nativeLifecycleLibrary(), SPEC, { ...DEFAULT_PARAMS.lifecycle, trackMultiple: 0.5, settleMs: 0 });
    const handle = (life as unknown as { handle: number }).handle;
    life.processEvents([bookEvent(SPEC, 1, [[BID, 1000, 1], [ASK, 1001, 1]], true)]);
    const info = new Int32Array(3), sizes = Int32Array.of(0, 0, 1, 1, 0, 1, 0), counts = new Int32Array(LAYOUT.counts), touch = new Float64Array(2);
    // A large add straight through the ABI (the class would take the record itself).
    expect(s.gn_lifecycle_frame(handle, sizes, 2, null, null, null, null, Uint8Array.of(BID), Float64Array.of(1000), Float64Array.of(50), Float64Array.of(100), null, Float64Array.of(100.1), null, counts, touch, info)).toBe(GN_OK);
    expect(info[1]).toBe(1);
    const records = new Float64Array(LAYOUT.recordDoubles);
    expect(s.gn_lifecycle_take(handle, records, 0, records, 0, info)).toBe(GN_ERR_CAPACITY);
    expect(info[1]).toBe(1);
    expect(s.gn_lifecycle_take(handle, records, 1, records, 0, info)).toBe(GN_OK);
    expect(records[1]).toBe(0); // opened
    expect(records[4]).toBe(1000); // priceTicks
    expect(records[5]).toBe(49); // addedQty: 50 shown - 1 resting before
    life.dispose();
  });
});

describe.skipIf(!native)("NativeLifecycle", () => {
  const book = (ts: number, levels: [number, number, number][], reset = false): BookUpdate => bookEvent(SPEC, ts, levels, reset);
  const trade = (ts: number, price: number, qty: number): Trade => tradeEvent(SPEC, ts, price, qty, price >= 1001 ? "buy" : "sell");

  test("use after free throws a typed error naming the operation; dispose twice is harmless", () => {
    const life = createLifecycle(SPEC, DEFAULT_PARAMS.lifecycle, "native");
    life.dispose();
    life.dispose();
    for (const use of [() => life.onBook(book(1, [])), () => life.onTrade(trade(1, 1000, 1)), () => life.flush(), () => life.clear(), () => life.qtyAt(BID, 1), () => life.volTicks()]) {
      expect(use).toThrow(NativeLifecycleError);
    }
    try {
      life.onBook(book(1, []));
    } catch (error) {
      expect((error as NativeLifecycleError).code).toBe("disposed");
      expect((error as Error).message).toContain("operation=onBook, symbol=BTCUSDT");
    }
  });

  test("an invalid event throws code invalid, applies nothing, and the stream goes on as the TypeScript one", () => {
    const ts = new Lifecycle(SPEC, DEFAULT_PARAMS.lifecycle);
    const nat = createLifecycle(SPEC, DEFAULT_PARAMS.lifecycle, "native");
    // Ends with a frame without levels or top arrays (empty typed arrays cross the FFI as they are).
    const good = [book(1, [[BID, 1000, 2], [ASK, 1001, 2]], true), book(2, [[BID, 999, 5]]), trade(3, 1001, 1), book(4, [[ASK, 1001, 1]]), trade(5, 999, 2), book(6, [])];
    for (const e of good.slice(0, 2)) {
      ts.onBook(e as BookUpdate);
      nat.onBook(e as BookUpdate);
    }
    let caught: unknown;
    try {
      nat.onBook(book(3, [[BID, 998.5, 1]]));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NativeLifecycleError);
    expect((caught as NativeLifecycleError).code).toBe("invalid");
    expect((caught as Error).message).toContain("exchTsMs=3");
    expect(() => nat.onBook({ ...book(3, []), levelQty: Float64Array.of(1) })).toThrow(/level arrays differ in length/);
    for (const e of good.slice(2)) {
      if (e.kind === "trade") {
        ts.onTrade(e);
        nat.onTrade(e);
      } else {
        ts.onBook(e);
        nat.onBook(e);
      }
    }
    expect(nat.counts).toMatchObject(ts.counts);
    expect(nat.qtyAt(BID, 999)).toBe(ts.qtyAt(BID, 999));
    expect(nat.qtyAt(BID, 998.5)).toBe(0);
    expect(nat.qtyAt(ASK, 1001)).toBe(ts.qtyAt(ASK, 1001));
    expect([...nat.cumAggressorQty]).toEqual(ts.cumAggressorQty);
    expect(nat.nowTsMs).toBe(ts.nowTsMs);
    nat.dispose();
  });

  test("refuses parameters the library cannot take", () => {
    expect(() => createLifecycle(SPEC, { ...DEFAULT_PARAMS.lifecycle, addWindow: 0 }, "native")).toThrow(/gn_lifecycle_new refused: status=-3/);
  });
});

describe("loading", () => {
  test("a missing library is reported, not thrown", () => {
    const probe = openNativeLifecycle("/nonexistent/libgenesis.so");
    expect(probe.status.available).toBe(false);
    expect(probe.status.available ? "" : probe.status.reason).toContain("/nonexistent/libgenesis.so");
  });

  test.skipIf(!gxx)("a libgenesis built before the lifecycle functions is reported with the fix", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "genesis-stale-"));
    writeFileSync(path.join(dir, "stale.c"), "int gn_abi_version(void) { return 1; }\nconst char* gn_status_text(int s) { return \"x\"; }\n");
    const lib = path.join(dir, "libstale.so");
    expect(Bun.spawnSync([gxx!, "-x", "c", "-shared", "-fPIC", "-o", lib, path.join(dir, "stale.c")]).exitCode).toBe(0);
    const probe = openNativeLifecycle(lib);
    expect(probe.status.available).toBe(false);
    expect(probe.error?.code).toBe("unavailable");
    expect(probe.error?.message).toMatch(/cannot load the lifecycle functions .*rebuild with `bun run build:native`/);
  });
});
