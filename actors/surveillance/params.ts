/**
 * Every surveillance parameter with its default, in one place (documented
 * again in docs/surveillance.md). Sizes are multiples of adaptive references
 * (rolling medians of the symbol's own adds and near-touch depth), distances
 * are ticks from the touch, times are exchange milliseconds: the same
 * defaults serve BTCUSDT and ETHUSDT.
 */

export interface LifecycleParams {
  /** Adds within this many ticks of the touch feed the rolling add-size median. */
  readonly nearTicks: number;
  /** Levels per side (from the touch) whose mean size is the depth reference. */
  readonly depthLevels: number;
  /** Rolling window of add sizes (samples) for the median. */
  readonly addWindow: number;
  /** Depth samples are taken at most once per this many ms; the window holds `depthWindow` of them. */
  readonly depthSampleMs: number;
  readonly depthWindow: number;
  /** The size reference is max(median add, depthFactor x median near-touch level size). */
  readonly depthFactor: number;
  /** An episode is tracked (kept for the detectors) once its added size reaches this multiple of the reference. */
  readonly trackMultiple: number;
  /** A trade explains a decrease at its price if it printed at most this long before it. */
  readonly tradeMatchMs: number;
  /** A closed episode waits this long for late trade prints before it is judged. */
  readonly settleMs: number;
  /** A level's small (untracked) episode older than this is folded into the base at the next add. */
  readonly episodeMergeMs: number;
  /** A large episode closes when at most this fraction of its added size is left. */
  readonly closeFraction: number;
  /** Volatility: |mid change| sampled every volSampleMs; its rolling median over volWindow samples, in ticks. */
  readonly volSampleMs: number;
  readonly volWindow: number;
}

export interface SpoofingParams {
  /** Large = added size >= sizeMultiple x reference size. */
  readonly sizeMultiple: number;
  /** Placed within maxDistTicks + distVolMultiple x the median 1 s mid move (ticks) of the touch. */
  readonly maxDistTicks: number;
  readonly distVolMultiple: number;
  readonly maxLifetimeMs: number;
  readonly minLifetimeMs: number;
  /** At most this fraction of the added size was traded. */
  readonly maxTradedFraction: number;
  /** Trades at the level (any queue position) at most this fraction of the size: a level being hit is real liquidity. */
  readonly maxLevelTradedFraction: number;
  /** An order the price left more than this many ticks behind is a stale quote being cleaned up. */
  readonly maxDistTicksAtCancel: number;
  /** Price moved away by >= this many ticks, or opposite-side trades >= minOppositeFraction x size. */
  readonly minMoveTicks: number;
  readonly minOppositeFraction: number;
  /** ...and that opposite volume is at least this multiple of what the opposite side usually trades in as long. */
  readonly minOppositeExcess: number;
  /** A spoof candidate is held this long in case it turns out to be one layer of a layering group. */
  readonly holdMs: number;
  /**
   * A market maker's quote that follows the price is cancelled and re-placed:
   * a candidate is dropped when large liquidity of at least requoteFraction of
   * its size appears on the same side within requoteMs before its cancel or
   * during the hold (liquidity moved, it was not withdrawn). Spoofing only: layering groups
   * pass their own opposite-trading test, and a busy real touch always has a large add in flight.
   */
  readonly requoteMs: number;
  readonly requoteFraction: number;
  /** ...within this many ticks of the candidate's price. */
  readonly requoteTicks: number;
}

export interface LayeringParams {
  readonly sizeMultiple: number;
  /** Each layer placed within maxDistTicks + distVolMultiple x the median 1 s mid move (ticks) of the touch, as for spoofing. */
  readonly maxDistTicks: number;
  readonly distVolMultiple: number;
  readonly minLayers: number;
  /** Largest tick gap between neighbouring layers. */
  readonly maxGapTicks: number;
  /** All layers placed within this window... */
  readonly addWindowMs: number;
  /** ...and cancelled within this one. */
  readonly cancelWindowMs: number;
  readonly maxLifetimeMs: number;
  readonly maxTradedFraction: number;
  /** Each layer rested at least this long (shorter is flicker, not liquidity anyone could act on). */
  readonly minLifetimeMs: number;
  /** Aggressive volume against the opposite side while the stack rested >= this fraction of the stack... */
  readonly minOppositeFraction: number;
  /** ...and >= this multiple of what the opposite side usually trades in as long. */
  readonly minOppositeExcess: number;
}

export interface QuoteStuffingParams {
  /** Bucket length for message rates. */
  readonly bucketMs: number;
  /** Buckets in the rolling baseline (EWMA half-life in buckets). */
  readonly baselineHalfLife: number;
  /** Buckets of history before anything fires. */
  readonly warmupBuckets: number;
  /** Fire when add+cancel events exceed rateMultiple x baseline and baseline + zScore x deviation. */
  readonly rateMultiple: number;
  readonly zScore: number;
  /** cancels / (cancels + consumed) at least this. */
  readonly minCancelRatio: number;
  /** Trades in the burst at most this multiple of the baseline trade rate. */
  readonly maxTradeMultiple: number;
}

export interface MomentumIgnitionParams {
  /** The burst window. */
  readonly burstMs: number;
  /** Mid move > moveSigmas x sigma(burstMs), sigma from 1 s mid changes. */
  readonly moveSigmas: number;
  readonly minMoveTicks: number;
  /** Share of burst volume on the aggressor side. */
  readonly minSameSideShare: number;
  readonly minTrades: number;
  /** Reversal of >= reversalFraction of the move within reversalMs. */
  readonly reversalFraction: number;
  readonly reversalMs: number;
  /** Half-life of the volatility estimate, in 1 s samples. */
  readonly volHalfLife: number;
  readonly warmupSamples: number;
}

export interface WashTradingParams {
  /** Opposite-aggressor prints of identical price and size within this window. */
  readonly pairWindowMs: number;
  /** Repetitions counted within this window. */
  readonly repeatWindowMs: number;
  /** Pairs of a size below this multiple of the median trade size are ignored (common round lots). */
  readonly minSizeMultiple: number;
  readonly tradeWindow: number;
}

export interface BookPressureParams {
  readonly levels: number;
  /** Tail probability of the rolling imbalance distribution that counts as extreme. */
  readonly tail: number;
  readonly sampleMs: number;
  readonly window: number;
  readonly warmupSamples: number;
  /** Extremes shorter than this are noise. */
  readonly minDurationMs: number;
}

export interface LiquidityGapParams {
  readonly levels: number;
  /** Gap (empty ticks) above max(tail quantile, gapMultiple x median). */
  readonly tail: number;
  readonly gapMultiple: number;
  readonly minGapTicks: number;
  readonly sampleMs: number;
  readonly window: number;
  readonly warmupSamples: number;
  readonly minDurationMs: number;
}

export interface SurveillanceParams {
  readonly lifecycle: LifecycleParams;
  readonly spoofing: SpoofingParams;
  readonly layering: LayeringParams;
  readonly quoteStuffing: QuoteStuffingParams;
  readonly momentumIgnition: MomentumIgnitionParams;
  readonly washTrading: WashTradingParams;
  readonly bookPressure: BookPressureParams;
  readonly liquidityGap: LiquidityGapParams;
}

export const DEFAULT_PARAMS: SurveillanceParams = {
  lifecycle: { nearTicks: 10, depthLevels: 10, addWindow: 1024, depthSampleMs: 100, depthWindow: 1200, depthFactor: 1, trackMultiple: 2, tradeMatchMs: 1000, settleMs: 100, episodeMergeMs: 1000, closeFraction: 0.05, volSampleMs: 1000, volWindow: 300 },
  spoofing: { sizeMultiple: 3, maxDistTicks: 5, distVolMultiple: 2, maxLifetimeMs: 5000, minLifetimeMs: 300, maxTradedFraction: 0.1, maxLevelTradedFraction: 0.02, maxDistTicksAtCancel: 10, minMoveTicks: Infinity, minOppositeFraction: 0.3, minOppositeExcess: 3, holdMs: 300, requoteMs: 500, requoteFraction: 0.5, requoteTicks: 10 },
  layering: { sizeMultiple: 2, maxDistTicks: 10, distVolMultiple: 3, minLayers: 3, maxGapTicks: 2, addWindowMs: 2000, cancelWindowMs: 500, maxLifetimeMs: 10000, maxTradedFraction: 0.1, minLifetimeMs: 300, minOppositeFraction: 0.2, minOppositeExcess: 3 },
  quoteStuffing: { bucketMs: 1000, baselineHalfLife: 60, warmupBuckets: 30, rateMultiple: 4, zScore: 6, minCancelRatio: 0.8, maxTradeMultiple: 1.5 },
  momentumIgnition: { burstMs: 2000, moveSigmas: 5, minMoveTicks: 3, minSameSideShare: 0.8, minTrades: 5, reversalFraction: 0.75, reversalMs: 10000, volHalfLife: 120, warmupSamples: 30 },
  washTrading: { pairWindowMs: 100, repeatWindowMs: 60000, minSizeMultiple: 1, tradeWindow: 512 },
  bookPressure: { levels: 5, tail: 0.002, sampleMs: 100, window: 3000, warmupSamples: 600, minDurationMs: 1000 },
  liquidityGap: { levels: 10, tail: 0.002, gapMultiple: 4, minGapTicks: 3, sampleMs: 100, window: 3000, warmupSamples: 600, minDurationMs: 500 },
};

export type ParamOverrides = { readonly [K in keyof SurveillanceParams]?: Partial<SurveillanceParams[K]> };

/** Defaults with per-detector overrides; unknown keys are rejected so a typo never silently keeps a default. */
export function withDefaults(overrides: ParamOverrides = {}): SurveillanceParams {
  const out: Record<string, unknown> = {};
  for (const group of Object.keys(DEFAULT_PARAMS) as (keyof SurveillanceParams)[]) {
    const given = (overrides[group] ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(given)) {
      if (!(key in DEFAULT_PARAMS[group])) throw new Error(`unknown surveillance parameter: ${group}.${key}`);
    }
    out[group] = { ...DEFAULT_PARAMS[group], ...given };
  }
  for (const group of Object.keys(overrides)) {
    if (!(group in DEFAULT_PARAMS)) throw new Error(`unknown surveillance parameter group: ${group}`);
  }
  return out as unknown as SurveillanceParams;
}
