/**
 * The order flow of one symbol: a zero-intelligence queue model in the
 * spirit of Cont, Stoikov & Talreja (2010) and the queue-reactive model of
 * Huang, Lehalle & Rosenbaum (2015).
 *
 * - Limit orders arrive on each side at distance d >= 1 ticks from the
 *   opposite best with rate lambda(d) = lambda1 * d^-alpha (power law).
 * - Each resting order cancels with rate theta(d), which decays per octave
 *   of distance (deep orders are long-lived): a level's cancel rate is
 *   theta(d) * (orders in its queue). The book keeps lots and an order count
 *   per level, and a cancel removes one order of the level's mean size.
 * - Market orders arrive on each side with rate mu and walk the book.
 * - Sizes are bounded-Pareto lots (heavy-tailed, capped).
 *
 * The book is a continuous-time Markov chain. We run its jump chain exactly
 * (each event picked with probability proportional to its intensity in the
 * current state) on a Poisson clock of the configured rate: a time change
 * that keeps the dynamics and makes the event rate what the user asked for.
 */
import type { SimInstrument } from "./instruments.ts";
import type { Sfc32 } from "./prng.ts";
import { AliasTable, BoundedParetoLots } from "./sampling.ts";
import { ASK_SIDE, BID_SIDE, distanceBucket, SimBook } from "./sim-book.ts";

export const EventKind = { limit: 0, cancel: 1, market: 2 } as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/** Cancel weights are integers: one resting order in bucket b weighs round(THETA_SCALE * theta_b / theta_1). */
const THETA_SCALE = 65536;
/** Give up redrawing an event after this many no-op draws (a guard; never reached in practice). */
const MAX_REDRAWS = 1000;

export class OrderFlow {
  readonly book: SimBook;
  /** Aggressor side of the last market order (for the trades' `m`). */
  lastAggressor = BID_SIDE;
  private readonly distance: AliasTable;
  private readonly limitSize: BoundedParetoLots;
  private readonly marketSize: BoundedParetoLots;
  private readonly limitRatePerSide: number;
  private readonly marketRatePerSide: number;
  /** Converts a Fenwick total (orders * weight) into a cancel intensity. */
  private readonly cancelIntensityPerWeight: number;
  private readonly meanOrdersAt: Float64Array;

  constructor(
    readonly instrument: SimInstrument,
    private readonly rng: Sfc32,
  ) {
    const flow = instrument.flow;
    const band = flow.bandTicks;
    const weights = new Float64Array(distanceBucket(band) + 1);
    for (let b = 0; b < weights.length; b++) weights[b] = Math.max(1, Math.round(THETA_SCALE * 2 ** (-flow.cancelDecayPerOctave * b)));
    this.book = new SimBook(band, weights);
    this.limitSize = new BoundedParetoLots(instrument.limitSize.minLots, instrument.limitSize.maxLots, instrument.limitSize.tailExponent);
    this.marketSize = new BoundedParetoLots(instrument.marketSize.minLots, instrument.marketSize.maxLots, instrument.marketSize.tailExponent);

    const lambda = new Float64Array(band);
    this.meanOrdersAt = new Float64Array(band + 1);
    let limitRate = 0;
    for (let d = 1; d <= band; d++) {
      lambda[d - 1] = flow.limitRateAtTouch * d ** -flow.distanceExponent;
      limitRate += lambda[d - 1]!;
      const theta = (flow.cancelRateAtTouch * weights[distanceBucket(d)]!) / THETA_SCALE;
      // Stationary M/M/infinity queue: mean number of resting orders = lambda / theta.
      this.meanOrdersAt[d] = lambda[d - 1]! / theta;
    }
    this.distance = new AliasTable(lambda);
    this.limitRatePerSide = limitRate;
    this.marketRatePerSide = flow.marketRate;
    this.cancelIntensityPerWeight = flow.cancelRateAtTouch / THETA_SCALE;
  }

  /**
   * Fills the book around `midTicks` (spread one tick) with a draw from the
   * model's stationary depth: Poisson(lambda(d) / theta(d)) orders per level.
   */
  seed(midTicks: number): void {
    const book = this.book;
    book.reset(midTicks, midTicks + 1);
    for (let side = BID_SIDE; side <= ASK_SIDE; side++) {
      for (let d = 1; d <= book.bandTicks; d++) {
        if (side === BID_SIDE && book.bestAsk - d < 1) break;
        let orders = this.rng.nextPoisson(this.meanOrdersAt[d]!);
        if (d === 1 && orders === 0) orders = 1; // the touch must exist
        let lots = 0;
        for (let i = 0; i < orders; i++) lots += this.limitSize.sample(this.rng);
        if (orders > 0) book.seedLevel(side, side === BID_SIDE ? book.bestAsk - d : book.bestBid + d, lots, orders);
      }
    }
  }

  /** Applies one event to the book (its changes and trades are in the book's event log). */
  step(): EventKind {
    const book = this.book;
    const rng = this.rng;
    book.beginEvent();
    const limitRate = this.limitRatePerSide;
    const marketRate = this.marketRatePerSide;
    for (let attempt = 0; attempt < MAX_REDRAWS; attempt++) {
      const bidCancel = book.cancelTree[BID_SIDE].total * this.cancelIntensityPerWeight;
      const askCancel = book.cancelTree[ASK_SIDE].total * this.cancelIntensityPerWeight;
      let x = rng.nextFloat() * (2 * limitRate + 2 * marketRate + bidCancel + askCancel);
      if (x < 2 * limitRate) {
        const side = x < limitRate ? BID_SIDE : ASK_SIDE;
        const distance = this.distance.sample(rng) + 1;
        const lots = this.limitSize.sample(rng);
        if (side === BID_SIDE && book.bestAsk - distance < 1) continue; // no bids at or below price zero
        book.addLimit(side, distance, lots);
        return EventKind.limit;
      }
      x -= 2 * limitRate;
      if (x < 2 * marketRate) {
        const aggressor = x < marketRate ? BID_SIDE : ASK_SIDE;
        if (book.marketOrder(aggressor, this.marketSize.sample(rng)) > 0) {
          this.lastAggressor = aggressor;
          return EventKind.market;
        }
        continue;
      }
      x -= 2 * marketRate;
      const side = x < bidCancel ? BID_SIDE : ASK_SIDE;
      const target = (side === BID_SIDE ? x : x - bidCancel) / this.cancelIntensityPerWeight;
      const price = book.drawCancelPrice(side, Math.min(target, book.cancelTree[side].total - 1));
      if (book.cancel(side, price) > 0) return EventKind.cancel;
    }
    throw new Error(`OrderFlow: no event possible for ${this.instrument.spec.symbol} after ${MAX_REDRAWS} draws`);
  }
}
