/**
 * Momentum ignition: a run of aggressive orders on one side that walks the
 * book (each taker order prints beyond the previous one's price) within
 * `burstMs`, moving that side's touch far more than it usually moves in as
 * long, the move holding for a moment (others are meant to join in), then
 * the touch coming back at least `reversalFraction` of the way within
 * `reversalMs` of the peak. Fires at the reversal.
 *
 * A taker order is the prints of one side in one exchange millisecond (one
 * order walking several levels is one step, not a run): a single large
 * market order that sweeps the book and is refilled at once is liquidity
 * being taken, not ignition. "Far more than it usually moves" is against a
 * high quantile (moveQuantile) of the mid's own moves over the horizon
 * (price-reach.ts): a choppy market that jumps tens of ticks and back every
 * few seconds raises its own bar; the run's taker volume must
 * stand out against that side's usual flow (aggressor-flow.ts). Cost: O(1)
 * per trade and per book update.
 */
import type { Alert } from "../alert.ts";
import type { MomentumIgnitionParams } from "../params.ts";
import { clamp01, makeAlert, round } from "./make-alert.ts";
import type { AggressorFlow } from "./aggressor-flow.ts";
import type { PriceReach } from "./price-reach.ts";

interface Run {
  /** +1 buy takers (the ask side is swept), -1 sell takers. */
  readonly direction: number;
  readonly tsStart: number;
  /** Price of the first step's first print: the touch before the run. */
  readonly startTicks: number;
  lastTs: number;
  lastPriceTicks: number;
  steps: number;
  qty: number;
}

interface Ignition {
  readonly run: Run;
  peakTicks: number;
  peakTsMs: number;
  readonly moveAtIgnitionTicks: number;
  readonly thresholdTicks: number;
}

export class MomentumIgnitionDetector {
  /** The run being built per direction [sell takers, buy takers]. */
  private readonly runs: (Run | null)[] = [null, null];
  private active: Ignition | null = null;
  private quietUntilTsMs = -Infinity;
  private firstTsMs = NaN;

  /** `moves`: the symbol's price moves per horizon, read at p.moveQuantile. */
  constructor(private readonly symbol: string, private readonly p: MomentumIgnitionParams, private readonly flow: AggressorFlow, private readonly moves: PriceReach) {}

  onTrade(ts: number, priceTicks: number, qty: number, buy: boolean): void {
    if (Number.isNaN(this.firstTsMs)) this.firstTsMs = ts;
    const d = buy ? 1 : -1;
    const k = buy ? 1 : 0;
    const run = this.runs[k];
    if (run !== null && ts === run.lastTs) {
      // The same taker order walking on: its step ends at its furthest print.
      if ((priceTicks - run.lastPriceTicks) * d > 0) run.lastPriceTicks = priceTicks;
      run.qty += qty;
      return;
    }
    if (run !== null && ts - run.tsStart <= this.p.burstMs) {
      // A step is a taker order printing beyond the run's furthest price; others ride along.
      if ((priceTicks - run.lastPriceTicks) * d > 0) {
        run.steps++;
        run.lastTs = ts;
        run.lastPriceTicks = priceTicks;
      }
      run.qty += qty;
      return;
    }
    this.runs[k] = { direction: d, tsStart: ts, startTicks: priceTicks, lastTs: ts, lastPriceTicks: priceTicks, steps: 1, qty };
  }

  /** After each book update: the touch of both sides (ticks). */
  onTouch(ts: number, bestBidTicks: number, bestAskTicks: number): Alert | null {
    if (Number.isNaN(bestBidTicks) || Number.isNaN(bestAskTicks)) return null;
    if (this.active) return this.follow(ts, bestBidTicks, bestAskTicks);
    const p = this.p;
    if (ts - this.firstTsMs < p.warmupMs || ts < this.quietUntilTsMs) return null;
    for (const run of this.runs) {
      if (run === null || run.steps < p.minSteps || ts - run.tsStart > p.burstMs + p.settleMs) continue;
      // The swept side's touch: asks for buy takers, bids for sell takers.
      const touch = run.direction > 0 ? bestAskTicks : bestBidTicks;
      const moveTicks = (touch - run.startTicks) * run.direction;
      // The threshold is at least minMoveTicks: a smaller move needs no quantile read.
      if (moveTicks < p.minMoveTicks) continue;
      const thresholdTicks = Math.max(p.minMoveTicks, p.moveMultiple * this.moves.ticks(Math.max(p.moveHorizonMs, run.lastTs - run.tsStart), p.moveQuantile));
      if (moveTicks < thresholdTicks) continue;
      // A burst of aggressive trading, not a few small orders riding a drift: the run's taker volume stands out.
      const flow = this.flow.test(run.direction > 0 ? 1 : 0, run.tsStart, run.lastTs + 1);
      if (flow === null || flow.zCapped < p.minFlowZ) continue;
      this.active = { run, peakTicks: touch, peakTsMs: ts, moveAtIgnitionTicks: moveTicks, thresholdTicks };
      this.runs[0] = this.runs[1] = null;
      return null;
    }
    return null;
  }

  private follow(ts: number, bestBidTicks: number, bestAskTicks: number): Alert | null {
    const a = this.active!;
    const p = this.p;
    const d = a.run.direction;
    const touch = d > 0 ? bestAskTicks : bestBidTicks;
    if ((touch - a.peakTicks) * d > 0) {
      a.peakTicks = touch;
      a.peakTsMs = ts;
    }
    const moveTicks = (a.peakTicks - a.run.startTicks) * d;
    const retraceTicks = (a.peakTicks - touch) * d;
    // The move must hold a moment before it reverses: a sweep refilled at once is not ignition.
    if (retraceTicks >= p.reversalFraction * moveTicks && ts - a.run.lastTs >= p.minHoldMs) {
      this.active = null;
      this.quietUntilTsMs = ts;
      const excess = moveTicks / Math.max(1e-9, a.thresholdTicks);
      const score = 50 + 50 * (0.4 * clamp01(Math.log(excess) / Math.log(4)) + 0.3 * clamp01((a.run.steps - p.minSteps) / 4) + 0.3 * clamp01(retraceTicks / moveTicks));
      const side = d > 0 ? "ask" : "bid";
      return makeAlert(
        this.symbol,
        "momentum_ignition",
        side,
        score,
        a.run.tsStart,
        ts,
        { moveTicks, retraceTicks, thresholdTicks: round(a.thresholdTicks, 4), takerOrders: a.run.steps, takerQty: round(a.run.qty), startTicks: a.run.startTicks, peakTicks: a.peakTicks, peakTsMs: a.peakTsMs, heldMs: ts - a.run.lastTs },
        `${a.run.steps} ${d > 0 ? "buy" : "sell"} taker orders in ${a.run.lastTs - a.run.tsStart} ms walked the ${side} side ${moveTicks} ticks (${round(excess, 3)}x its usual move) and it came back ${retraceTicks} ticks ${ts - a.peakTsMs} ms later.`,
      );
    }
    // A retrace before the hold is a refill, not a reversal: the move did not stand.
    if (retraceTicks >= p.reversalFraction * moveTicks || ts - a.peakTsMs > p.reversalMs) {
      this.active = null;
      this.quietUntilTsMs = ts;
    }
    return null;
  }
}
