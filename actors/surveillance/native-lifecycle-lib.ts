/**
 * The gn_lifecycle_* half of libgenesis (native/include/genesis.h) through
 * bun:ffi: one dlopen table behind a typed class, opened once and checked
 * (ABI version, record layout) on first use. The library file is the one
 * the analytics engine found (env GENESIS_NATIVE_LIB, else
 * native/build/libgenesis.so, embedded by `bun build --compile`); when it is
 * missing, stale or refused, `nativeLifecycleStatus()` says why and the
 * TypeScript lifecycle is used. Nothing is thrown at import time.
 */
import { dlopen, FFIType } from "bun:ffi";
import { nativeStatus } from "../analytics/engine.ts";
import { EXPECTED_ABI_VERSION } from "../analytics/native-engine.ts";

export const GN_OK = 0;
export const GN_ERR_NULL = -1;
export const GN_ERR_CAPACITY = -2;
export const GN_ERR_INVALID = -3;
export const GN_ERR_HANDLE = -6;

/** The layout this binding was written against (gn_lifecycle_layout). */
export const LAYOUT = { recordDoubles: 22, counts: 8, touch: 2, state: 8, topFixed: 6 } as const;
/** Doubles per frame-detector event (GN_DETECTOR_EVENT_DOUBLES): [kind, side, tsStart, tsEnd, peak, threshold, stuffing cancels, consumed, trades, bid changes]. */
export const DETECTOR_EVENT_DOUBLES = 10;

/**
 * A params struct as the library reads it: { uint32 struct_size; uint32 reserved; doubles }, the
 * doubles little-endian in the struct's field order (gn_lifecycle_params, gn_detector_params).
 */
export function packParams(values: readonly number[]): Uint8Array {
  const raw = new DataView(new ArrayBuffer(8 + 8 * values.length));
  raw.setUint32(0, raw.byteLength, true);
  values.forEach((v, i) => raw.setFloat64(8 + 8 * i, v, true));
  return new Uint8Array(raw.buffer);
}

export type NativeLifecycleErrorCode = "unavailable" | "abi" | "invalid" | "handle" | "disposed" | "native";

export class NativeLifecycleError extends Error {
  constructor(
    readonly code: NativeLifecycleErrorCode,
    message: string,
    /** The offending event's index in the batch, for code "invalid". */
    readonly eventIndex?: number,
  ) {
    super(message);
    this.name = "NativeLifecycleError";
  }
}

const { ptr: P, i32, u32, f64, cstring } = FFIType;
const SYMBOLS = {
  gn_abi_version: { args: [], returns: i32 },
  gn_status_text: { args: [i32], returns: cstring },
  gn_lifecycle_layout: { args: [P, i32], returns: i32 },
  gn_lifecycle_new: { args: [f64, P, P], returns: i32 },
  gn_lifecycle_free: { args: [u32], returns: i32 },
  gn_lifecycle_clear: { args: [u32], returns: i32 },
  gn_lifecycle_top_stride: { args: [u32, P], returns: i32 },
  gn_lifecycle_process: { args: [u32, i32, P, P, P, i32, P, P, P, P, P, P, P, P, P, i32, P], returns: i32 },
  gn_lifecycle_frame: { args: [u32, P, f64, P, P, P, P, P, P, P, P, P, P, P, P, P, P], returns: i32 },
  gn_lifecycle_flush: { args: [u32, P], returns: i32 },
  gn_lifecycle_advance: { args: [u32, f64, P], returns: i32 },
  gn_lifecycle_take: { args: [u32, P, i32, P, i32, P], returns: i32 },
  gn_lifecycle_level: { args: [u32, i32, f64, P], returns: i32 },
  gn_lifecycle_state: { args: [u32, P, i32], returns: i32 },
  gn_lifecycle_detectors: { args: [u32, P], returns: i32 },
  gn_lifecycle_detector_events: { args: [u32, P, i32, P], returns: i32 },
  gn_lifecycle_reach_ticks: { args: [u32, f64, f64, P], returns: i32 },
} as const;

export type LifecycleSymbols = ReturnType<typeof dlopen<typeof SYMBOLS>>["symbols"];

export class NativeLifecycleLibrary {
  private constructor(
    readonly path: string,
    readonly symbols: LifecycleSymbols,
  ) {}

  /** Opens the library and checks its version and layout; throws NativeLifecycleError on a mismatch. */
  static open(path: string): NativeLifecycleLibrary {
    let symbols: LifecycleSymbols;
    try {
      symbols = dlopen(path, SYMBOLS).symbols;
    } catch (error) {
      // A library built before the lifecycle functions existed lacks the gn_lifecycle_* symbols.
      throw new NativeLifecycleError("unavailable", `cannot load the lifecycle functions from ${path}: ${message(error)}; rebuild with \`bun run build:native\``);
    }
    const version = symbols.gn_abi_version();
    if (version !== EXPECTED_ABI_VERSION) {
      throw new NativeLifecycleError("abi", `libgenesis ABI mismatch: library=${version}, expected=${EXPECTED_ABI_VERSION}, path=${path}`);
    }
    const layout = new Int32Array(5);
    symbols.gn_lifecycle_layout(layout, layout.length);
    const expected = [LAYOUT.recordDoubles, LAYOUT.counts, LAYOUT.touch, LAYOUT.state, LAYOUT.topFixed];
    if (expected.some((v, i) => layout[i] !== v)) {
      throw new NativeLifecycleError("abi", `libgenesis lifecycle layout differs: library=[${[...layout]}], expected=[${expected}], path=${path}`);
    }
    return new NativeLifecycleLibrary(path, symbols);
  }

  statusText(status: number): string {
    return String(this.symbols.gn_status_text(status));
  }
}

export type NativeLifecycleStatus = { available: true; path: string } | { available: false; reason: string };

interface Probe {
  readonly status: NativeLifecycleStatus;
  readonly library?: NativeLifecycleLibrary;
  readonly error?: NativeLifecycleError;
}

let loaded: Probe | undefined;

/** Opens the library at `path` (no caching). Never throws. */
export function openNativeLifecycle(path: string): Probe {
  try {
    return { status: { available: true, path }, library: NativeLifecycleLibrary.open(path) };
  } catch (error) {
    const reason = message(error);
    const code = error instanceof NativeLifecycleError ? error.code : "unavailable";
    return { status: { available: false, reason }, error: new NativeLifecycleError(code, reason) };
  }
}

/** Finds and opens the library once; later calls return the cached result. Never throws. */
export function nativeLifecycleStatus(): NativeLifecycleStatus {
  if (!loaded) {
    const lib = nativeStatus();
    loaded = lib.available ? openNativeLifecycle(lib.path) : { status: lib, error: new NativeLifecycleError("unavailable", lib.reason) };
  }
  return loaded.status;
}

/** The opened library; throws NativeLifecycleError (code unavailable or abi) saying why not. */
export function nativeLifecycleLibrary(): NativeLifecycleLibrary {
  nativeLifecycleStatus();
  if (loaded?.library) return loaded.library;
  throw new NativeLifecycleError(loaded?.error?.code ?? "unavailable", `native lifecycle unavailable: ${loaded?.error?.message ?? "not loaded"}`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
