/**
 * The feature engine facade: `createFeatureEngine("native" | "ts", spec)`.
 *
 * The native library is found, opened and version-checked once, lazily and
 * synchronously, on the first call to `nativeStatus()`/`createFeatureEngine`
 * (or explicitly via `loadNative()`): env GENESIS_NATIVE_LIB when set, else
 * native/build/libgenesis.so, which `bun build --compile` embeds (see
 * native-lib-path.ts). A missing library (no C++ toolchain) is reported by
 * `nativeStatus()`, never thrown at import time; an ABI mismatch is reported
 * the same way (reason "... ABI mismatch ...") and makes
 * `createFeatureEngine("native")` throw FeatureEngineError code "abi".
 * Nothing needs to be awaited at start-up.
 */
import { existsSync } from "node:fs";
import type { SymbolSpec } from "../../src/switchboard.ts";
import { FeatureEngineError, type FeatureEngine, type FeatureEngineOptions } from "./engine-types.ts";
import { FEATURE_NAMES } from "./feature-names.ts";
import { NativeFeatureEngine, NativeLibrary } from "./native-engine.ts";
import { TsFeatureEngine } from "./ts-engine.ts";

export { FEATURE_NAMES };
export { FeatureEngineError };
export type { FeatureEngine, FeatureEngineOptions };

export type NativeStatus = { available: true; path: string } | { available: false; reason: string };

export interface NativeProbe {
  readonly status: NativeStatus;
  readonly library?: NativeLibrary;
  /** Why it is unavailable: code "unavailable", or "abi" for a version or feature-list mismatch. */
  readonly error?: FeatureEngineError;
}

let loaded: NativeProbe | undefined;

/** Opens and checks the library at `path` (no caching). Never throws. */
export function openNative(path: string): NativeProbe {
  try {
    return { status: { available: true, path }, library: NativeLibrary.open(path) };
  } catch (error) {
    const reason = `cannot load ${path}: ${message(error)}`;
    const code = error instanceof FeatureEngineError ? error.code : "unavailable";
    return { status: { available: false, reason }, error: new FeatureEngineError(code, reason) };
  }
}

/** Finds and opens libgenesis once; later calls return the cached result. Never throws. */
export function loadNative(): NativeStatus {
  if (loaded) return loaded.status;
  try {
    loaded = openNative(resolveLibraryPath());
  } catch (error) {
    const reason = message(error);
    loaded = { status: { available: false, reason }, error: new FeatureEngineError("unavailable", reason) };
  }
  return loaded.status;
}

export function nativeStatus(): NativeStatus {
  return loadNative();
}

/** The opened library, for tests and diagnostics. */
export function nativeLibrary(): NativeLibrary | undefined {
  loadNative();
  return loaded?.library;
}

export function createFeatureEngine(kind: "native" | "ts", spec: SymbolSpec, options?: FeatureEngineOptions): FeatureEngine {
  if (kind === "ts") return new TsFeatureEngine(spec, options);
  if (kind !== "native") throw new FeatureEngineError("invalid", `unknown feature engine kind: ${String(kind)}`);
  loadNative();
  const library = loaded?.library;
  if (!library) {
    const cause = loaded?.error;
    throw new FeatureEngineError(cause?.code ?? "unavailable", `native feature engine unavailable: ${cause?.message ?? "not loaded"}`);
  }
  return new NativeFeatureEngine(library, spec, options);
}

function resolveLibraryPath(): string {
  const fromEnv = process.env.GENESIS_NATIVE_LIB;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`GENESIS_NATIVE_LIB=${fromEnv} does not exist`);
    return fromEnv;
  }
  try {
    // A literal require, so `bun build --compile` bundles the module and embeds the .so it imports.
    return require("./native-lib-path.ts").default as string;
  } catch (error) {
    throw new Error(`native/build/libgenesis.so is not built (run \`bun run build:native\`): ${message(error)}`);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
