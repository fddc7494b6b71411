/**
 * The native feature engine: libgenesis (native/include/genesis.h) through
 * bun:ffi. One dlopen table behind a typed class; the events of a batch are
 * packed into caller-owned struct-of-arrays buffers (preallocated, grown as
 * needed) and handed over in ONE gn_engine_process call; each output row is
 * copied into its own Float64Array. The library never allocates memory we
 * free, nor the reverse.
 */
import { dlopen, FFIType, type Pointer } from "bun:ffi";
import type { FeatureRow, MarketEvent, SymbolSpec } from "../../src/switchboard.ts";
import { DEFAULT_NOTIONAL_USD, FeatureEngineError, type FeatureEngine, type FeatureEngineOptions } from "./engine-types.ts";
import { FEATURE_COUNT, FEATURE_NAMES } from "./feature-names.ts";
import { NativeEventColumns, nextPow2 } from "../../src/native-event-columns.ts";

/** The GN_ABI_VERSION this module was written against. */
export const EXPECTED_ABI_VERSION = 1;

const GN_OK = 0;
const GN_ERR_CAPACITY = -2;
const GN_ERR_INVALID = -3;
const EVENT_BOOK = 0;
const EVENT_BOOK_RESET = 1;
const EVENT_TRADE = 2;

const { ptr: P, i32, f64, cstring, void: VOID } = FFIType;
const SYMBOLS = {
  gn_abi_version: { args: [], returns: i32 },
  gn_feature_count: { args: [], returns: i32 },
  gn_feature_name: { args: [i32], returns: cstring },
  gn_status_text: { args: [i32], returns: cstring },
  gn_engine_new: { args: [f64, f64, P], returns: P },
  gn_engine_free: { args: [P], returns: VOID },
  gn_engine_reset: { args: [P], returns: i32 },
  gn_engine_process: { args: [P, i32, P, P, P, i32, P, P, P, P, P, P, P, i32, P], returns: i32 },
} as const;

type Symbols = ReturnType<typeof dlopen<typeof SYMBOLS>>["symbols"];

/** An opened, version-checked libgenesis. */
export class NativeLibrary {
  private constructor(
    readonly path: string,
    readonly symbols: Symbols,
    readonly abiVersion: number,
  ) {}

  /** Opens the library and checks its ABI version and feature list; throws FeatureEngineError("abi") on mismatch. */
  static open(path: string): NativeLibrary {
    const { symbols } = dlopen(path, SYMBOLS);
    const version = symbols.gn_abi_version();
    if (version !== EXPECTED_ABI_VERSION) {
      throw new FeatureEngineError("abi", `libgenesis ABI mismatch: library=${version}, expected=${EXPECTED_ABI_VERSION}, path=${path}; rebuild with \`bun run build:native\``);
    }
    const names = featureNames(symbols);
    if (names.length !== FEATURE_COUNT || names.some((name, i) => name !== FEATURE_NAMES[i])) {
      throw new FeatureEngineError("abi", `libgenesis feature list differs from FEATURE_NAMES: library has ${names.length} features, expected ${FEATURE_COUNT}, path=${path}`);
    }
    return new NativeLibrary(path, symbols, version);
  }

  featureNames(): string[] {
    return featureNames(this.symbols);
  }

  statusText(status: number): string {
    return String(this.symbols.gn_status_text(status));
  }
}

function featureNames(symbols: Symbols): string[] {
  const count = symbols.gn_feature_count();
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push(String(symbols.gn_feature_name(i)));
  return names;
}

// Frees engines that were dropped without dispose().
const finalizer = new FinalizationRegistry<{ symbols: Symbols; handle: Pointer }>(({ symbols, handle }) => {
  symbols.gn_engine_free(handle);
});

export class NativeFeatureEngine implements FeatureEngine {
  readonly kind = "native" as const;
  private handle: Pointer | null;
  private readonly symbols: Symbols;
  private readonly token = {};
  private ffiNanos = 0;

  // Caller-owned batch buffers, grown to powers of two.
  private readonly cols = new NativeEventColumns();
  private rowCap = 0;
  private out = new Float64Array(0);
  private readonly outRows = new Int32Array(1);

  constructor(
    private readonly library: NativeLibrary,
    readonly spec: SymbolSpec,
    options: FeatureEngineOptions = {},
  ) {
    this.symbols = library.symbols;
    const notional = options.notionalUsd ?? DEFAULT_NOTIONAL_USD;
    const windowTicks = options.nativeWindowTicks ?? 0;
    // gn_config: { uint32 struct_size; uint32 reserved; double notional_quote; int64 window_ticks }
    const config = new DataView(new ArrayBuffer(24));
    config.setUint32(0, 24, true);
    config.setFloat64(8, notional, true);
    config.setBigInt64(16, BigInt(Math.trunc(windowTicks)), true);
    const handle = this.symbols.gn_engine_new(spec.tickSize, spec.lotSize, new Uint8Array(config.buffer)) as Pointer | null;
    if (!handle) {
      throw new FeatureEngineError("invalid", `gn_engine_new refused: symbol=${spec.symbol}, tickSize=${spec.tickSize}, lotSize=${spec.lotSize}, notionalUsd=${notional}, nativeWindowTicks=${windowTicks}`);
    }
    this.handle = handle;
    finalizer.register(this, { symbols: this.symbols, handle }, this.token);
    this.ensure(64, 1024, 64);
  }

  get ffiNs(): number {
    return this.ffiNanos;
  }

  process(events: readonly MarketEvent[]): FeatureRow[] {
    const handle = this.live("process");
    const n = events.length;
    let levels = 0;
    let rows = 0;
    for (let i = 0; i < n; i++) {
      const e = events[i]!;
      if (e.kind === "book") {
        rows++;
        levels += e.levelSide.length;
      }
    }
    this.ensure(n, levels, rows);
    this.pack(events);

    const c = this.cols;
    const t0 = Bun.nanoseconds();
    const status = this.symbols.gn_engine_process(
      handle, n, c.kind, c.ts, c.offsets, levels, c.levelSide, c.levelPrice, c.levelQty,
      c.tradePrice, c.tradeQty, c.tradeSide, this.out, this.rowCap, this.outRows,
    );
    this.ffiNanos += Bun.nanoseconds() - t0;
    if (status !== GN_OK) throw this.failure(status, events);

    const written = this.outRows[0]!;
    const out = this.out;
    const result: FeatureRow[] = new Array(written);
    let r = 0;
    for (let i = 0; i < n; i++) {
      const e = events[i]!;
      if (e.kind !== "book") continue;
      const start = r * FEATURE_COUNT;
      result[r++] = { kind: "features", symbol: e.symbol, exchTsMs: e.exchTsMs, localTsMs: e.localTsMs, values: out.slice(start, start + FEATURE_COUNT) };
    }
    return result;
  }

  reset(): void {
    const status = this.symbols.gn_engine_reset(this.live("reset"));
    if (status !== GN_OK) throw new FeatureEngineError("native", `gn_engine_reset failed: status=${status} (${this.library.statusText(status)})`);
  }

  dispose(): void {
    if (!this.handle) return;
    finalizer.unregister(this.token);
    this.symbols.gn_engine_free(this.handle);
    this.handle = null;
  }

  private live(operation: string): Pointer {
    if (!this.handle) throw new FeatureEngineError("disposed", `native feature engine used after dispose: operation=${operation}, symbol=${this.spec.symbol}`);
    return this.handle;
  }

  private pack(events: readonly MarketEvent[]): void {
    const { kind, ts, offsets, tradePrice, tradeQty, tradeSide } = this.cols;
    let lv = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      offsets[i] = lv;
      ts[i] = e.exchTsMs;
      if (e.kind === "trade") {
        kind[i] = EVENT_TRADE;
        tradePrice[i] = e.priceTicks;
        tradeQty[i] = e.qty;
        tradeSide[i] = e.side === "buy" ? 1 : e.side === "sell" ? -1 : 0; // 0 is rejected by the library
      } else if (e.kind === "book") {
        kind[i] = e.reset ? EVENT_BOOK_RESET : EVENT_BOOK;
        const m = e.levelSide.length;
        if (e.levelPriceTicks.length !== m || e.levelQty.length !== m) {
          throw new FeatureEngineError("invalid", `invalid market event: index=${i}, level arrays differ in length (${m}, ${e.levelPriceTicks.length}, ${e.levelQty.length})`, i);
        }
        lv = this.cols.copyLevels(e, lv);
      } else {
        kind[i] = -1; // rejected by the library as GN_ERR_INVALID
      }
    }
    offsets[events.length] = lv;
  }

  private ensure(events: number, levels: number, rows: number): void {
    this.cols.ensure(events, levels);
    if (rows > this.rowCap) {
      this.rowCap = nextPow2(rows);
      this.out = new Float64Array(this.rowCap * FEATURE_COUNT);
    }
  }

  private failure(status: number, events: readonly MarketEvent[]): FeatureEngineError {
    const detail = this.outRows[0]!;
    const text = this.library.statusText(status);
    if (status === GN_ERR_INVALID) {
      const e = events[detail];
      return new FeatureEngineError("invalid", `invalid market event: index=${detail}, kind=${e?.kind}, exchTsMs=${e?.exchTsMs} (native: ${text})`, detail);
    }
    if (status === GN_ERR_CAPACITY) return new FeatureEngineError("native", `gn_engine_process: output capacity ${this.rowCap} rows < ${detail} needed (${text})`);
    return new FeatureEngineError("native", `gn_engine_process failed: status=${status} (${text}); the engine was reset`);
  }
}
