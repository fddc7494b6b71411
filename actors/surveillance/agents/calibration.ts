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

/** A spoof order is as large as the largest 1% of real orders, up to twice that, in typical (mean) near-touch levels. */
export const SPOOF_SIZE_LEVELS = { min: LOBSTER_CALIBRATION.sizeP99OverMedian, max: 2 * LOBSTER_CALIBRATION.sizeP99OverMedian } as const;
/** Each layer is smaller than a lone spoof (the stack carries the weight): 0.75x to 1.5x the p99 ratio. */
export const LAYER_SIZE_LEVELS = { min: 0.75 * LOBSTER_CALIBRATION.sizeP99OverMedian, max: 1.5 * LOBSTER_CALIBRATION.sizeP99OverMedian } as const;

export interface StreamScale {
  /** Median quantity of the top-10 levels of both sides, sampled over the stream. */
  readonly medianLevelQty: number;
  /**
   * Median over samples of the mean quantity of the top-10 levels (both sides): the typical
   * resting order near the touch. Crypto books are heavy-tailed (BTCUSDT: a median level of
   * ~0.1 BTC among dust, a mean of ~2 BTC), so "large" is measured against this, the same
   * quantity the detectors' depth reference tracks, not against the median level.
   */
  readonly meanLevelQty: number;
  /** Median trade quantity. */
  readonly medianTradeQty: number;
  /**
   * Aggressive volume per second of market time, the mean of the buy and sell sides. The
   * manipulator's real order on the other side must stand out against this flow (a spoof is
   * only worth placing to trade more than the market would have given anyway), so its prints
   * scale with it rather than with resting sizes alone.
   */
  readonly aggressorQtyPerSec: number;
}

export function streamScale(events: readonly MarketEvent[]): StreamScale {
  const levels: number[] = [];
  const means: number[] = [];
  const trades: number[] = [];
  let books = 0;
  let aggressorQty = 0;
  for (const event of events) {
    if (event.kind === "trade") {
      trades.push(event.qty);
      aggressorQty += event.qty;
      continue;
    }
    if (books++ % 25 !== 0) continue; // a sample is enough; the book changes slowly
    let sum = 0, count = 0;
    for (const qty of [event.topBidQty, event.topAskQty]) {
      for (let i = 0; i < Math.min(10, qty.length); i++) {
        levels.push(qty[i]!);
        sum += qty[i]!;
        count++;
      }
    }
    if (count > 0) means.push(sum / count);
  }
  const quantile = (values: number[], q: number) => {
    if (values.length === 0) return NaN;
    values.sort((a, b) => a - b);
    return values[Math.floor(q * (values.length - 1))]!;
  };
  const median = (values: number[]) => quantile(values, 0.5);
  const spanSec = events.length > 1 ? (events[events.length - 1]!.exchTsMs - events[0]!.exchTsMs) / 1000 : 0;
  return {
    medianLevelQty: median(levels),
    meanLevelQty: median(means),
    medianTradeQty: median(trades),
    aggressorQtyPerSec: spanSec > 0 ? aggressorQty / 2 / spanSec : 0,
  };
}
