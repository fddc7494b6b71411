/** The bun:ffi wrapper: loading, version checks, buffers, errors, counters. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ASK, BID } from "../../src/switchboard.ts";
import { createFeatureEngine, FeatureEngineError, nativeLibrary, nativeStatus, openNative } from "./engine.ts";
import { EXPECTED_ABI_VERSION } from "./native-engine.ts";
import { bookEvent, tradeEvent } from "./test-events.ts";

const spec = { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 };
const native = nativeStatus().available;
const gxx = Bun.which("g++") ?? Bun.which("c++");

/** Builds a stand-in libgenesis exporting every symbol, with the given version and feature names. */
function fakeLibrary(version: number, names: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), "genesis-fake-"));
  const source = `
    #include <stdint.h>
    static const char* names[] = {${names.map((n) => JSON.stringify(n)).join(",")}};
    int gn_abi_version(void) { return ${version}; }
    int gn_feature_count(void) { return ${names.length}; }
    const char* gn_feature_name(int i) { return i >= 0 && i < ${names.length} ? names[i] : 0; }
    const char* gn_status_text(int s) { return "fake"; }
    void* gn_engine_new(double a, double b, const void* c) { return 0; }
    void gn_engine_free(void* e) {}
    int gn_engine_reset(void* e) { return -1; }
    int gn_engine_process(void* e, int32_t n, const void* a, const void* b, const void* c, int32_t d, const void* f,
      const void* g, const void* h, const void* i, const void* j, const void* k, double* o, int32_t cap, int32_t* rows) { return -5; }`;
  writeFileSync(path.join(dir, "fake.c"), source);
  const out = path.join(dir, "libfake.so");
  const built = Bun.spawnSync([gxx!, "-x", "c", "-shared", "-fPIC", "-o", out, path.join(dir, "fake.c")]);
  if (built.exitCode !== 0) throw new Error(`cannot build the fake library: ${built.stderr}`);
  return out;
}

describe("loading", () => {
  test("a missing library is reported, not thrown", () => {
    const probe = openNative("/nonexistent/libgenesis.so");
    expect(probe.status.available).toBe(false);
    expect(probe.error?.code).toBe("unavailable");
    expect(probe.status.available ? "" : probe.status.reason).toContain("/nonexistent/libgenesis.so");
  });

  test.skipIf(!gxx)("an ABI version mismatch fails loudly with code abi", () => {
    const probe = openNative(fakeLibrary(EXPECTED_ABI_VERSION + 98, ["x"]));
    expect(probe.status.available).toBe(false);
    expect(probe.error?.code).toBe("abi");
    expect(probe.error?.message).toMatch(/ABI mismatch: library=99, expected=1/);
  });

  test.skipIf(!gxx)("a feature list that differs from FEATURE_NAMES is refused", () => {
    const probe = openNative(fakeLibrary(EXPECTED_ABI_VERSION, ["best_bid", "best_ask"]));
    expect(probe.error?.code).toBe("abi");
    expect(probe.error?.message).toMatch(/feature list differs/);
  });

  test("GENESIS_NATIVE_LIB picks the library; a bad one makes native unavailable and ts still works", () => {
    const script = `import { nativeStatus, createFeatureEngine } from ${JSON.stringify(path.join(import.meta.dir, "engine.ts"))};
      const s = nativeStatus(); let err = ""; try { createFeatureEngine("native", { symbol: "X", tickSize: 1, lotSize: 1 }); } catch (e) { err = e.code; }
      console.log(JSON.stringify({ s, err, ts: createFeatureEngine("ts", { symbol: "X", tickSize: 1, lotSize: 1 }).kind }));`;
    const run = (lib: string) => {
      const proc = Bun.spawnSync([process.execPath, "-e", script], { env: { ...process.env, GENESIS_NATIVE_LIB: lib } });
      return JSON.parse(proc.stdout.toString().trim().split("\n").at(-1)!);
    };
    const missing = run("/nonexistent/libgenesis.so");
    expect(missing.s.available).toBe(false);
    expect(missing.s.reason).toContain("GENESIS_NATIVE_LIB=/nonexistent/libgenesis.so");
    expect(missing.err).toBe("unavailable");
    expect(missing.ts).toBe("ts");
    if (native) {
      const real = nativeLibrary()!.path;
      expect(run(real).s).toEqual({ available: true, path: real });
    }
  });
});

describe.skipIf(!native)("native engine", () => {
  test("reports the expected ABI version", () => {
    expect(nativeLibrary()!.abiVersion).toBe(EXPECTED_ABI_VERSION);
    expect(nativeLibrary()!.statusText(-3)).toBe("invalid input");
  });

  test("refuses bad parameters", () => {
    expect(() => createFeatureEngine("native", { ...spec, tickSize: 0 })).toThrow(FeatureEngineError);
    expect(() => createFeatureEngine("native", spec, { notionalUsd: -1 })).toThrow(/gn_engine_new refused/);
  });

  test("an empty batch returns no rows; trades alone return no rows", () => {
    const engine = createFeatureEngine("native", spec);
    expect(engine.process([])).toEqual([]);
    expect(engine.process([tradeEvent(spec, 1, 1000, 1, "buy")])).toEqual([]);
    engine.dispose();
  });

  test("grows its buffers for a large batch after a small one, and counts FFI time", () => {
    const engine = createFeatureEngine("native", spec);
    expect(engine.ffiNs).toBe(0);
    engine.process([bookEvent(spec, 1, [[BID, 1000, 1], [ASK, 1001, 1]], true)]);
    const afterOne = engine.ffiNs;
    expect(afterOne).toBeGreaterThan(0);
    const big = Array.from({ length: 5000 }, (_, i) =>
      bookEvent(spec, 2 + i, Array.from({ length: 40 }, (_, j) => [j % 2 ? ASK : BID, j % 2 ? 1001 + j : 1000 - j, (i % 7) + 1] as const)),
    );
    const rows = engine.process(big);
    expect(rows.length).toBe(5000);
    expect(rows[4999]!.values[0]).toBe(100); // best bid 1000 ticks
    expect(rows[4999]!.exchTsMs).toBe(5001);
    expect(engine.ffiNs).toBeGreaterThan(afterOne);
    engine.dispose();
  });

  test("raw C ABI: null handle, too small an output buffer, bad config", () => {
    const { symbols } = nativeLibrary()!;
    const kind = Int32Array.of(1, 2, 0);
    const ts = Float64Array.of(1, 2, 3);
    const offsets = Int32Array.of(0, 2, 2, 2);
    const side = Uint8Array.of(BID, ASK);
    const price = Float64Array.of(1000, 1001);
    const qty = Float64Array.of(1, 1);
    const tradePrice = Float64Array.of(0, 1001, 0);
    const tradeQty = Float64Array.of(0, 1, 0);
    const tradeSide = Int8Array.of(0, 1, 0);
    const out = new Float64Array(2 * 58);
    const rows = new Int32Array(1);
    const call = (handle: unknown, capacity: number) =>
      symbols.gn_engine_process(handle as never, 3, kind, ts, offsets, 2, side, price, qty, tradePrice, tradeQty, tradeSide, out, capacity, rows);
    expect(call(null, 2)).toBe(-1); // GN_ERR_NULL
    const handle = symbols.gn_engine_new(0.1, 0.001, null);
    expect(handle).toBeTruthy();
    expect(call(handle, 1)).toBe(-2); // GN_ERR_CAPACITY
    expect(rows[0]).toBe(2); // rows needed
    expect(call(handle, 2)).toBe(0);
    expect(rows[0]).toBe(2);
    expect(out[58 + 4]).toBe(100.05); // second row's mid
    expect(symbols.gn_engine_reset(handle)).toBe(0);
    symbols.gn_engine_free(handle);
    const tooSmall = new DataView(new ArrayBuffer(24));
    tooSmall.setUint32(0, 8, true); // struct_size below version 1's 16 bytes
    expect(symbols.gn_engine_new(0.1, 0.001, new Uint8Array(tooSmall.buffer))).toBeFalsy();
    expect(symbols.gn_engine_new(Number.NaN, 0.001, null)).toBeFalsy();
    expect(symbols.gn_engine_reset(null)).toBe(-1);
  });

  test("an unknown event kind is rejected with its index", () => {
    const engine = createFeatureEngine("native", spec);
    const odd = { ...tradeEvent(spec, 1, 1000, 1, "buy"), kind: "quote" } as unknown as ReturnType<typeof tradeEvent>;
    expect(() => engine.process([tradeEvent(spec, 1, 1000, 1, "buy"), odd])).toThrow(/index=1/);
    engine.dispose();
  });
});
