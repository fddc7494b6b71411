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
  /**
   * A level's small (untracked) episode older than this is folded into the base at the next add
   * (at any age when that add is large by itself: one update's large add is its own order).
   */
  readonly episodeMergeMs: number;
  /** A large episode closes when at most this fraction of its added size is left. */
  readonly closeFraction: number;
  /** Volatility: |mid change| sampled every volSampleMs; its rolling median over volWindow samples, in ticks. */
  readonly volSampleMs: number;
  readonly volWindow: number;
  /**
   * The band: a level change more than max(bandTicks, bandVolMultiple x the median 1 s mid move)
   * ticks behind its side's touch (best prices as of the update) only updates the level's quantity
   * and the update's counts; no episode, size sample or trade attribution. Must exceed every
   * detector's look distance (spoofing/layering maxDistTicks + distVolMultiple x the usual move,
   * nearTicks, quoteStuffing.nearTicks). Infinity = no band.
   */
  readonly bandTicks: number;
  readonly bandVolMultiple: number;
}

export interface SpoofingParams {
  /** Large = added size >= sizeMultiple x reference size. */
  readonly sizeMultiple: number;
  /**
   * Placed within maxDistTicks + slack of the touch, slack = distVolMultiple x the usual mid move
   * over the order's lifetime (priceReach): an order meant to rest that long unfilled sits about
   * that far out. The same slack bounds the distance at the cancel and how far the price may run
   * into the order.
   */
  readonly maxDistTicks: number;
  readonly distVolMultiple: number;
  readonly maxLifetimeMs: number;
  readonly minLifetimeMs: number;
  /** At most this fraction of the added size was traded. */
  readonly maxTradedFraction: number;
  /** Trades at the level (any queue position) at most this fraction of the size: a level being hit is real liquidity. */
  readonly maxLevelTradedFraction: number;
  /**
   * Placed at least this many ticks behind its side's touch. A spoof is liquidity meant not to trade,
   * so it sits behind the best price; a large order joining or setting the best price is a quote
   * meant to trade, and the commonest honest large order (every clean-data candidate that got past
   * the other checks sat at the touch).
   */
  readonly minDistTicks: number;
  /**
   * An order the price left more than maxDistTicksAtCancel + cancelVolMultiple x the usual move over
   * its lifetime behind is a stale quote being cleaned up (a rally leaves quotes behind while the
   * other side trades heavily: the look of a spoof, without one).
   */
  readonly maxDistTicksAtCancel: number;
  readonly cancelVolMultiple: number;
  /** ...and so is one the price ran away from by more than maxMoveAwayTicks + cancelVolMultiple x that move. */
  readonly maxMoveAwayTicks: number;
  /** A price that ran more than this many ticks (+ slack) into the order: a quote pulled before it is hit. */
  readonly maxMoveIntoTicks: number;
  /** Price moved away by >= this many ticks, or opposite-side trades >= minOppositeFraction x size... */
  readonly minMoveTicks: number;
  readonly minOppositeFraction: number;
  /** ...and standing minOppositeZ deviations above what that side usually trades in as long (aggressorFlow). */
  readonly minOppositeZ: number;
  /** A spoof candidate is held this long in case it turns out to be one layer of a layering group. */
  readonly holdMs: number;
  /**
   * A market maker's quote that follows the price is pulled and put back: a candidate is dropped
   * when one large order of about its size (|size ratio - 1| <= requoteSizeTolerance) appears on
   * the same side from requoteMs before its cancel to requoteAfterMs after it (at most holdMs).
   * Size-matched because a quote is re-placed at its size, while a busy touch has some large add
   * in flight at any moment (a looser "any large liquidity nearby" also dropped most injected
   * spoofs in the simulator and in the recordings' volatile minutes). Spoofing only: layering
   * groups pass their own opposite-trading test.
   */
  readonly requoteMs: number;
  readonly requoteAfterMs: number;
  readonly requoteSizeTolerance: number;
  /** ...within this many ticks of the candidate's price, or of where it would be had it followed the price. */
  readonly requoteTicks: number;
  /**
   * ...and only after the mid moved at least this many ticks while the candidate rested: a quote
   * follows a price that moved (the clean recordings' honest requotes came after moves of 11-28
   * ticks), where a spoof pulled in a still market and a size-matched honest order placed nearby
   * just after it is a coincidence, not a requote.
   */
  readonly requoteMinShiftTicks: number;
  /**
   * Placed and pulled together with another large order of its side (starts and ends within
   * stackMs): a stack is layering's to judge, which needs minLayers of them; one of its orders is
   * not a lone spoof.
   */
  readonly stackMs: number;
  /**
   * A candidate that rested while a stack of its side (minLayers large orders placed together on
   * neighbouring levels) rested too waits for that stack's cancel at most this long past holdMs: if
   * the stack is flagged as layering, the candidate is part of that scheme.
   */
  readonly stackWaitMs: number;
}

export interface LayeringParams {
  readonly sizeMultiple: number;
  /** Each layer placed within maxDistTicks + distVolMultiple x the usual mid move over its lifetime (ticks), as for spoofing. */
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
  /** ...and minOppositeZ deviations above what that side usually trades in as long (aggressorFlow). */
  readonly minOppositeZ: number;
}

/** The usual price move per horizon (detectors/price-reach.ts): the distance scale of spoofing and layering. */
export interface PriceReachParams {
  /** The mid is sampled this often; each horizon's moves are kept over the last `window` samples (240 x 500 ms = 2 min). */
  readonly sampleMs: number;
  readonly window: number;
  /** The quantile of the moves that is "usual" (momentum ignition reads its own, moveQuantile). */
  readonly quantile: number;
}

/** The opposite-side flow test shared by spoofing and layering (detectors/aggressor-flow.ts). */
export interface AggressorFlowParams {
  /** Baseline: the side's aggressive events over this long before the order was placed. */
  readonly baselineMs: number;
  /** Each aggressive event (one side's prints in one exchange ms) counts at most the size that events exceed this often (per second). */
  readonly capRatePerSec: number;
  /** ...but at least this many median events. */
  readonly capMedians: number;
  /** No test (so no alert) before the baseline holds this many events. */
  readonly minBaselineEvents: number;
  /** Events join the size sample this long after they printed, unless a flagged window excluded them meanwhile. */
  readonly commitDelayMs: number;
  /**
   * The window's largest event is left out (one honest sweep cannot make an alert) unless at least
   * minOutsizedEvents of its events are outsized (>= outsizedCapMultiple x the cap) and the
   * baseline's rate of outsized events makes that many a Poisson tail of at most maxOutsizedTail:
   * several takers far beyond the usual size are sustained trading, not one sweep.
   */
  readonly outsizedCapMultiple: number;
  readonly minOutsizedEvents: number;
  readonly maxOutsizedTail: number;
}

export interface QuoteStuffingParams {
  /** Level changes within this many ticks of each side's touch are the traffic counted. */
  readonly nearTicks: number;
  /** ...summed over this sliding window. */
  readonly windowMs: number;
  /** The windowed sum is sampled this often for the baseline, which keeps `window` samples. */
  readonly sampleMs: number;
  readonly window: number;
  /** No alert before this many baseline samples. */
  readonly warmupSamples: number;
  /** A burst: sum > max(rateMultiple x the baseline's `quantile`, that quantile + minExcess). */
  readonly quantile: number;
  readonly rateMultiple: number;
  readonly minExcess: number;
  /** cancels / (cancels + trade-explained decreases) in the window at least this. */
  readonly minCancelRatio: number;
  /** At least this share of the window's level changes near the touch. */
  readonly minNearShare: number;
}

export interface MomentumIgnitionParams {
  /** A run: at least minSteps taker orders of one side, each printing beyond the last, within burstMs... */
  readonly burstMs: number;
  readonly minSteps: number;
  /** ...at a steady cadence: the coefficient of variation of the gaps between them <= maxCadenceCv (one actor's algorithm). */
  readonly maxCadenceCv: number;
  /** The run is judged up to settleMs after burstMs (the book frame trails the prints). */
  readonly settleMs: number;
  /**
   * The swept side's touch moved >= max(minMoveTicks, moveMultiple x the moveQuantile of the mid's
   * moves over max(moveHorizonMs, the run's duration), priceReach samples)...
   */
  readonly minMoveTicks: number;
  readonly moveMultiple: number;
  readonly moveQuantile: number;
  readonly moveHorizonMs: number;
  /** ...on taker volume minFlowZ deviations above that side's usual flow (aggressorFlow). */
  readonly minFlowZ: number;
  /** The move held at least this long after the last step... */
  readonly minHoldMs: number;
  /** ...then retraced >= reversalFraction of itself within reversalMs of the peak... */
  readonly reversalFraction: number;
  readonly reversalMs: number;
  /** ...with aggressive volume the other way minUnwindRatio..maxUnwindRatio x the run's (the igniter trading back what it took, not a market turning over), counted from the run's last step to unwindGraceMs after the reversal. */
  readonly minUnwindRatio: number;
  readonly maxUnwindRatio: number;
  readonly unwindGraceMs: number;
  /** ...that stands minUnwindZ deviations above the flow the other way usually has in as long (aggressorFlow). */
  readonly minUnwindZ: number;
  /** No alert in the first warmupMs of a stream (the usual move is not known yet). */
  readonly warmupMs: number;
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
  readonly aggressorFlow: AggressorFlowParams;
  readonly priceReach: PriceReachParams;
  readonly quoteStuffing: QuoteStuffingParams;
  readonly momentumIgnition: MomentumIgnitionParams;
  readonly washTrading: WashTradingParams;
  readonly bookPressure: BookPressureParams;
  readonly liquidityGap: LiquidityGapParams;
}

export const DEFAULT_PARAMS: SurveillanceParams = {
  lifecycle: { nearTicks: 10, depthLevels: 10, addWindow: 1024, depthSampleMs: 100, depthWindow: 1200, depthFactor: 1, trackMultiple: 2, tradeMatchMs: 1000, settleMs: 100, episodeMergeMs: 1000, closeFraction: 0.05, volSampleMs: 1000, volWindow: 300, bandTicks: 200, bandVolMultiple: 50 },
  spoofing: { sizeMultiple: 3, minDistTicks: 1, maxDistTicks: 5, distVolMultiple: 1.5, maxLifetimeMs: 5000, minLifetimeMs: 300, maxTradedFraction: 0.1, maxLevelTradedFraction: 0.3, maxDistTicksAtCancel: 50, cancelVolMultiple: 1, maxMoveAwayTicks: Infinity, maxMoveIntoTicks: 0, minMoveTicks: Infinity, minOppositeFraction: 0.1, minOppositeZ: 2.5, holdMs: 300, requoteMs: 100, requoteAfterMs: 300, requoteSizeTolerance: 0.25, requoteTicks: 10, requoteMinShiftTicks: 5, stackMs: 50, stackWaitMs: 600 },
  layering: { sizeMultiple: 2, maxDistTicks: 10, distVolMultiple: 2, minLayers: 3, maxGapTicks: 2, addWindowMs: 2000, cancelWindowMs: 500, maxLifetimeMs: 10000, maxTradedFraction: 0.1, minLifetimeMs: 300, minOppositeFraction: 0.1, minOppositeZ: 2.5 },
  aggressorFlow: { baselineMs: 300_000, capRatePerSec: 0.1, capMedians: 10, minBaselineEvents: 20, commitDelayMs: 6000, outsizedCapMultiple: 3, minOutsizedEvents: 3, maxOutsizedTail: 0.01 },
  priceReach: { sampleMs: 500, window: 240, quantile: 0.75 },
  quoteStuffing: { nearTicks: 10, windowMs: 500, sampleMs: 100, window: 3000, warmupSamples: 300, quantile: 0.9, rateMultiple: 4, minExcess: 20, minCancelRatio: 0.8, minNearShare: 0.3 },
  momentumIgnition: { burstMs: 1000, minSteps: 4, maxCadenceCv: 0.3, settleMs: 200, minMoveTicks: 3, moveMultiple: 1, moveQuantile: 0.9, moveHorizonMs: 250, minFlowZ: 2, minHoldMs: 200, reversalFraction: 0.8, reversalMs: 2000, minUnwindRatio: 0.3, maxUnwindRatio: 3, unwindGraceMs: 1000, minUnwindZ: 2, warmupMs: 30_000 },
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
