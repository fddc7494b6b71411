/**
 * Momentum ignition: one actor pushes the price with a run of aggressive
 * orders on one side, waits for others to join in, then unwinds into the
 * move with aggressive orders the other way while the swept liquidity
 * returns to where it was. In public data (no account ids) its footprint is:
 *
 * - a run of >= `minSteps` taker orders of one side within `burstMs`, each
 *   printing beyond the run's furthest price (one order walking several
 *   levels is one step: a single market order refilled at once is liquidity
 *   being taken, not ignition), at a steady cadence (one algorithm; the
 *   coefficient of variation of the gaps <= `maxCadenceCv`), where an honest
 *   cascade (liquidations, stops) accelerates and prints irregularly;
 * - a move of the swept side's touch far beyond the market's own noise:
 *   `moveMultiple` x the `moveQuantile` of the mid's moves over the run
 *   (price-reach.ts), so a choppy market raises its own bar;
 * - the move holding `minHoldMs`, then retracing >= `reversalFraction`
 *   within `reversalMs` of the peak;
 * - from the run's end to `unwindGraceMs` after the reversal, aggressive
 *   volume the other way of `minUnwindRatio`..`maxUnwindRatio` x the run's,
 *   standing `minUnwindZ` above that flow's usual (aggressor-flow.ts): the
 *   igniter selling what it bought. An honest burst that reverses is mostly
 *   liquidity returning, or a market turning over far more than the push.
 *
 * Fires at the reversal (or when the unwind completes, up to `unwindGraceMs`
 * later). A reversal without the unwind or the cadence is reported below 50
 * as context. A push is marked on the aggressor flow (`markPush`) as soon as
 * it qualifies at a steady cadence, else when it reverses, or when the
 * market refilled the swept side before the hold and the unwind followed
 * within `unwindGraceMs` (no alert: a refill is not a reversal, but the
 * prints both ways are an igniter's); the unwind, once it comes, is marked
 * too (against the other side), and so is a smaller trading back of a push
 * already marked when its follow-up ends after a reversal or a refill, so
 * that spoofing and layering do not read the igniter's prints as a
 * spoofer's trading.
 * Cost: O(1) per trade and per book update (a run keeps at most MAX_STEPS
 * step times).
 */
import type { Alert } from "../alert.ts";
import type { MomentumIgnitionParams } from "../params.ts";
import { clamp01, makeAlert, round } from "./make-alert.ts";
import type { AggressorFlow } from "./aggressor-flow.ts";
import type { MidReach } from "./price-reach.ts";

/** Step times kept per run for the cadence test (longer runs are not ignition-like anyway). */
const MAX_STEPS = 64;

interface Run {
  /** +1 buy takers (the ask side is swept), -1 sell takers. */
  readonly direction: number;
  readonly tsStart: number;
  /** Price of the first step's first print: the touch before the run. */
  readonly startTicks: number;
  lastTs: number;
  lastPriceTicks: number;
  readonly stepTs: number[];
  qty: number;
}

interface Ignition {
  readonly run: Run;
  peakTicks: number;
  peakTsMs: number;
  readonly thresholdTicks: number;
  readonly flowZ: number;
  /** Aggressive volume the other way since the run's last step. */
  unwindQty: number;
  /** Set at the reversal: the alert waits up to unwindGraceMs for the unwind. */
  reversedTsMs: number;
  /**
   * Set when the swept side was refilled before the hold: no alert, but the push is marked if the
   * unwind follows; cleared if the touch is pushed back to the peak (the move stands again).
   */
  refilledTsMs: number;
  retraceTicks: number;
  moveTicks: number;
  /** The push is marked on the aggressor flow already (it qualified at a steady cadence, or reversed). */
  pushMarked: boolean;
}

/**
 * The steadiest cadence of the run: the least gap CV over its suffixes of >= minSteps steps. A run
 * is opened by the first print of its side, often an unrelated order some time before the push,
 * so its leading steps may be dropped; the last ones (the push up to its peak) may not.
 */
export function steadiestCadenceCv(stepTs: readonly number[], minSteps: number): number {
  let best = Infinity;
  for (let from = 0; from + Math.max(3, minSteps) <= stepTs.length; from++) best = Math.min(best, cadenceCv(stepTs.slice(from)));
  return best;
}

/** The book side a run takes liquidity from: asks (1) for buy takers, bids (0) for sell takers. */
function sweptSide(run: Run): number {
  return run.direction > 0 ? 1 : 0;
}

/** Coefficient of variation of the gaps between step times (0 for a metronome). */
export function cadenceCv(stepTs: readonly number[]): number {
  const n = stepTs.length - 1;
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += stepTs[i]! - stepTs[i - 1]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 1; i <= n; i++) ss += (stepTs[i]! - stepTs[i - 1]! - mean) ** 2;
  return mean > 0 ? Math.sqrt(ss / (n - 1)) / mean : Infinity;
}

export class MomentumIgnitionDetector {
  /** The run being built per direction [sell takers, buy takers]. */
  private readonly runs: (Run | null)[] = [null, null];
  private active: Ignition | null = null;
  private quietUntilTsMs = -Infinity;
  private firstTsMs = NaN;

  /** `flow`: the run's taker volume against that side's usual flow; `moves`: the symbol's price moves per horizon, read at p.moveQuantile. */
  constructor(private readonly symbol: string, private readonly p: MomentumIgnitionParams, private readonly flow: AggressorFlow, private readonly moves: MidReach) {}

  onTrade(ts: number, priceTicks: number, qty: number, buy: boolean): void {
    if (Number.isNaN(this.firstTsMs)) this.firstTsMs = ts;
    const d = buy ? 1 : -1;
    const a = this.active;
    if (a !== null && d !== a.run.direction && ts >= a.run.lastTs) a.unwindQty += qty;
    if (a !== null && d === a.run.direction && Number.isNaN(a.reversedTsMs) && ts - a.run.tsStart <= this.p.burstMs) {
      // The push goes on after it qualified: its later orders belong to the same run (cadence, volume).
      const run = a.run;
      if ((priceTicks - run.lastPriceTicks) * d > 0) {
        if (ts !== run.lastTs && run.stepTs.length < MAX_STEPS) run.stepTs.push(ts);
        run.lastTs = ts;
        run.lastPriceTicks = priceTicks;
        if (a.pushMarked) this.flow.markPush(sweptSide(run), run.tsStart, ts);
      }
      run.qty += qty;
      return;
    }
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
        if (run.stepTs.length < MAX_STEPS) run.stepTs.push(ts);
        run.lastTs = ts;
        run.lastPriceTicks = priceTicks;
      }
      run.qty += qty;
      return;
    }
    this.runs[k] = { direction: d, tsStart: ts, startTicks: priceTicks, lastTs: ts, lastPriceTicks: priceTicks, stepTs: [ts], qty };
  }

  /** After each book update: the touch of both sides (ticks). */
  onTouch(ts: number, bestBidTicks: number, bestAskTicks: number): Alert | null {
    if (Number.isNaN(bestBidTicks) || Number.isNaN(bestAskTicks)) return null;
    if (this.active) return this.follow(ts, bestBidTicks, bestAskTicks);
    const p = this.p;
    if (ts - this.firstTsMs < p.warmupMs || ts < this.quietUntilTsMs) return null;
    for (const run of this.runs) {
      if (run === null || run.stepTs.length < p.minSteps || ts - run.tsStart > p.burstMs + p.settleMs) continue;
      // The swept side's touch: asks for buy takers, bids for sell takers.
      const touch = run.direction > 0 ? bestAskTicks : bestBidTicks;
      const moveTicks = (touch - run.startTicks) * run.direction;
      // The threshold is at least minMoveTicks: a smaller move needs no quantile read.
      if (moveTicks < p.minMoveTicks) continue;
      const thresholdTicks = Math.max(p.minMoveTicks, p.moveMultiple * this.moves.ticks(Math.max(p.moveHorizonMs, run.lastTs - run.tsStart), p.moveQuantile));
      if (moveTicks < thresholdTicks) continue;
      // A burst of aggressive trading, not a few small orders riding a drift: the run's taker volume stands out.
      const flow = this.flow.test(sweptSide(run), run.tsStart, run.lastTs + 1);
      if (flow === null || flow.zCapped < p.minFlowZ) continue;
      const steady = steadiestCadenceCv(run.stepTs, p.minSteps) <= p.maxCadenceCv;
      this.active = { run, peakTicks: touch, peakTsMs: ts, thresholdTicks, flowZ: flow.zCapped, unwindQty: 0, reversedTsMs: NaN, refilledTsMs: NaN, retraceTicks: 0, moveTicks, pushMarked: false };
      if (steady) this.markPush(this.active);
      this.runs[0] = this.runs[1] = null;
      return null;
    }
    return null;
  }

  private follow(ts: number, bestBidTicks: number, bestAskTicks: number): Alert | null {
    const a = this.active!;
    const p = this.p;
    const d = a.run.direction;
    if (!Number.isNaN(a.reversedTsMs)) {
      if (this.unwound(a) || ts - a.reversedTsMs >= p.unwindGraceMs) return this.release(ts);
      return null;
    }
    const touch = d > 0 ? bestAskTicks : bestBidTicks;
    if (!Number.isNaN(a.refilledTsMs)) {
      // Pushed back to its peak: the move stands again and is followed as before.
      if ((touch - a.peakTicks) * d >= 0) a.refilledTsMs = NaN;
      else {
        const unwound = this.unwound(a);
        if (unwound || ts - a.refilledTsMs >= p.unwindGraceMs) {
          // A push already taken for an igniter's (steady) has its trading back marked even when it fell short of minUnwindRatio.
          if (unwound || a.pushMarked) this.markUnwound(a, ts);
          this.end(ts);
        }
        return null;
      }
    }
    if ((touch - a.peakTicks) * d > 0) {
      a.peakTicks = touch;
      a.peakTsMs = ts;
    }
    const moveTicks = (a.peakTicks - a.run.startTicks) * d;
    const retraceTicks = (a.peakTicks - touch) * d;
    // The move must hold a moment before it reverses: a sweep refilled at once is not ignition.
    if (retraceTicks >= p.reversalFraction * moveTicks && ts - a.run.lastTs >= p.minHoldMs) {
      a.reversedTsMs = ts;
      this.markPush(a);
      a.moveTicks = moveTicks;
      a.retraceTicks = retraceTicks;
      return this.unwound(a) ? this.release(ts) : null;
    }
    // A retrace before the hold is a refill, not a reversal: the move did not stand. The igniter
    // may still trade back what it took (the simulator's makers refill a swept side within the
    // hold): waited for, to mark the push, never to alert.
    if (retraceTicks >= p.reversalFraction * moveTicks) a.refilledTsMs = ts;
    else if (ts - a.peakTsMs > p.reversalMs) this.end(ts);
    return null;
  }

  /** Stops following the active push; a new run may qualify from the next update. */
  private end(ts: number): void {
    this.active = null;
    this.quietUntilTsMs = ts;
  }

  /** Marks the push on the aggressor flow (once; the run's later orders extend it in onTrade). */
  private markPush(a: Ignition): void {
    if (a.pushMarked) return;
    this.flow.markPush(sweptSide(a.run), a.run.tsStart, a.run.lastTs);
    a.pushMarked = true;
  }

  /**
   * The follow-up of an igniter's push is over: the push and the trading back, from the push's last
   * order to now, against the other side, are both marked on the aggressor flow, unless the flow the
   * other way is more than maxUnwindRatio x the push (a market turning over, no igniter's). Called
   * when the unwind reached minUnwindRatio, or when the push was already marked (a steady cadence or a
   * reversal): an igniter that traded back less than that still traded against the other side, and
   * those prints are not a spoofer's.
   */
  private markUnwound(a: Ignition, ts: number): void {
    if (a.unwindQty > this.p.maxUnwindRatio * a.run.qty) return;
    this.markPush(a);
    this.flow.markPush(1 - sweptSide(a.run), a.run.lastTs, ts);
  }

  private unwound(a: Ignition): boolean {
    return a.unwindQty >= this.p.minUnwindRatio * a.run.qty;
  }

  private release(ts: number): Alert {
    const a = this.active!;
    const p = this.p;
    this.end(ts);
    const d = a.run.direction;
    const steps = a.run.stepTs.length;
    const cv = steadiestCadenceCv(a.run.stepTs, p.minSteps);
    const unwindRatio = a.unwindQty / Math.max(1e-12, a.run.qty);
    // Reversed, so the push is marked: its trading back is marked too, however much of the push it was.
    this.markUnwound(a, ts);
    // The unwind stands out against the flow the other way usually has in as long (not a busy market trading both ways).
    const unwind = this.flow.test(1 - sweptSide(a.run), a.run.lastTs, ts + 1);
    const unwindZ = unwind === null ? 0 : unwind.zCapped;
    const excess = a.moveTicks / Math.max(1e-9, a.thresholdTicks);
    const footprint = unwindRatio >= p.minUnwindRatio && unwindRatio <= p.maxUnwindRatio && unwindZ >= p.minUnwindZ && cv <= p.maxCadenceCv;
    // The footprint (steady cadence, the volume traded back) is what makes it worth a look; a reversal alone is context.
    const strength = 0.4 * clamp01(Math.log(excess) / Math.log(4)) + 0.3 * clamp01(Math.min(unwindRatio, 1)) + 0.3 * clamp01(1 - cv / Math.max(1e-9, p.maxCadenceCv));
    const score = footprint ? 50 + 50 * strength : 40 * strength;
    const side = d > 0 ? "ask" : "bid";
    return makeAlert(
      this.symbol,
      "momentum_ignition",
      side,
      score,
      a.run.tsStart,
      ts,
      { moveTicks: a.moveTicks, retraceTicks: a.retraceTicks, thresholdTicks: round(a.thresholdTicks, 4), takerOrders: steps, cadenceCv: round(cv, 3), takerQty: round(a.run.qty), unwindQty: round(a.unwindQty), unwindRatio: round(unwindRatio, 3), flowZ: round(a.flowZ, 4), unwindZ: round(unwindZ, 4), startTicks: a.run.startTicks, peakTicks: a.peakTicks, peakTsMs: a.peakTsMs, heldMs: a.reversedTsMs - a.run.lastTs },
      `${steps} ${d > 0 ? "buy" : "sell"} taker orders in ${a.run.lastTs - a.run.tsStart} ms (gap CV ${round(cv, 2)}) walked the ${side} side ${a.moveTicks} ticks (${round(excess, 3)}x its usual move); it came back ${a.retraceTicks} ticks ${a.reversedTsMs - a.peakTsMs} ms after the peak, with ${round(unwindRatio, 2)}x the run's volume traded the other way.`,
    );
  }
}
