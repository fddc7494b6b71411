/**
 * What both feature engines (native and TypeScript) promise, and their
 * typed error. Kept apart from engine.ts so the engines can import it
 * without a cycle.
 */
import type { FeatureRow, MarketEvent } from "../../src/switchboard.ts";

export interface FeatureEngine {
  readonly kind: "native" | "ts";
  /** Events of ONE symbol in order; returns one row (own Float64Array) per BookUpdate. */
  process(events: readonly MarketEvent[]): FeatureRow[];
  /** Back to a fresh state: empty book and windows. */
  reset(): void;
  dispose(): void;
  /** Cumulative nanoseconds spent inside FFI calls (0 for the TypeScript engine). */
  readonly ffiNs: number;
}

export interface FeatureEngineOptions {
  /** Quote notional for vwap_* and cost_* (default 100,000 USDT). */
  notionalUsd?: number;
  /**
   * Native only: span in ticks of the dense part of libgenesis's book
   * (gn_config.window_ticks; 0 or absent = about 2% of the first price).
   * Memory and speed only, results never depend on it (tests check this).
   */
  nativeWindowTicks?: number;
}

export const DEFAULT_NOTIONAL_USD = 100_000;

export type FeatureEngineErrorCode = "invalid" | "disposed" | "unavailable" | "abi" | "native";

export class FeatureEngineError extends Error {
  constructor(
    readonly code: FeatureEngineErrorCode,
    message: string,
    /** Index (in the batch) of the offending event, for code "invalid". */
    readonly eventIndex?: number,
  ) {
    super(message);
    this.name = "FeatureEngineError";
  }
}

/** Quantities at or beyond 2^52 lots could not be summed exactly. */
export const MAX_LOTS = 2 ** 52;

/** Prices are whole ticks, |price| <= 2^52 (the native book indexes them). */
export function isIntegerTicks(x: number): boolean {
  return Number.isFinite(x) && Math.floor(x) === x && Math.abs(x) <= 2 ** 52;
}
