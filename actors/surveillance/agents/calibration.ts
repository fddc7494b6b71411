/**
 * The numbers the manipulation agents are calibrated on, measured from the
 * LOBSTER sample files (AAPL, AMZN, GOOG, 2012-06-21; see
 * lobster-calibration.ts and docs/surveillance.md). Each is the median of
 * the three files' values; calibration.test.ts recomputes them from the
 * files and fails when they drift.
 *
 * LOBSTER sizes are shares of single orders; the agents scale them by the
 * crypto symbol's own median level size and median trade size, measured on
 * the stream they are injected into (`streamScale`).
 */
import type { MarketEvent } from "../../../src/switchboard.ts";

export const LOBSTER_CALIBRATION = {
  /** Lifetime quantiles (ms) of orders deleted without any execution. */
  cancelLifetimeMs: { p10: 1.666, p25: 30.46, p50: 690.587, p75: 3810.588 },
  /** (Partial cancels + deletes) per visible execution. */
  cancelToTradeRatio: 7.48,
  /** 99th percentile submitted size over the median submitted size. */
  sizeP99OverMedian: 4,
} as const;

/** Spoof and layer orders rest for the typical cancelled order's lifetime (p50..p75), kept inside 0.5-4 s. */
export const RESTING_LIFETIME_MS = {
  min: Math.max(500, LOBSTER_CALIBRATION.cancelLifetimeMs.p50),
  max: Math.min(4000, LOBSTER_CALIBRATION.cancelLifetimeMs.p75),
} as const;

/** Quote-stuffing orders live as briefly as the fleeting tail of real cancels (p10..p25). */
export const FLEETING_LIFETIME_MS = {
  min: Math.max(1, LOBSTER_CALIBRATION.cancelLifetimeMs.p10),
  max: LOBSTER_CALIBRATION.cancelLifetimeMs.p25,
} as const;

/** A spoof order is as large as the largest 1% of real orders, up to twice that, in median levels. */
export const SPOOF_SIZE_LEVELS = { min: LOBSTER_CALIBRATION.sizeP99OverMedian, max: 2 * LOBSTER_CALIBRATION.sizeP99OverMedian } as const;
/** Each layer is smaller than a lone spoof (the stack carries the weight): 0.75x to 1.5x the p99 ratio. */
export const LAYER_SIZE_LEVELS = { min: 0.75 * LOBSTER_CALIBRATION.sizeP99OverMedian, max: 1.5 * LOBSTER_CALIBRATION.sizeP99OverMedian } as const;

export interface StreamScale {
  /** Median quantity of the top-10 levels of both sides, sampled over the stream. */
  readonly medianLevelQty: number;
  /** Median trade quantity. */
  readonly medianTradeQty: number;
}

export function streamScale(events: readonly MarketEvent[]): StreamScale {
  const levels: number[] = [];
  const trades: number[] = [];
  let books = 0;
  for (const event of events) {
    if (event.kind === "trade") {
      trades.push(event.qty);
      continue;
    }
    if (books++ % 25 !== 0) continue; // a sample is enough; the book changes slowly
    for (const qty of [event.topBidQty, event.topAskQty]) for (let i = 0; i < Math.min(10, qty.length); i++) levels.push(qty[i]!);
  }
  const median = (values: number[]) => {
    if (values.length === 0) return NaN;
    values.sort((a, b) => a - b);
    return values[values.length >> 1]!;
  };
  return { medianLevelQty: median(levels), medianTradeQty: median(trades) };
}
