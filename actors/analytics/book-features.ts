/**
 * Features of the book as it stands after an update: top of book,
 * imbalance, depth within bps of mid, gaps and the cost of a notional. The
 * reference twin of native/src/book_features.cpp: same formulas, same order
 * of floating-point operations. The native engine keeps its depth bands
 * incrementally; here they are summed afresh by walking the book, which is
 * what the parity tests compare against.
 *
 * Sums of quantities are taken in whole lots (exact integers), so they are
 * independent of summation order.
 */
import type { BookSide, OrderBook } from "../book/order-book.ts";
import { BAND_BPS, FEATURE_INDEX as F, GAP_LEVELS } from "./feature-names.ts";

/**
 * Ticks or lots to real units. When 1/step is (nearly) an integer k it
 * divides by k, so 639439 ticks of 0.1 read 63943.9, not 63943.90000000001.
 */
export class Scale {
  readonly inverse: number;
  readonly divide: boolean;
  constructor(readonly step: number) {
    const inv = 1 / step;
    const k = Math.floor(inv + 0.5);
    this.inverse = k;
    this.divide = k >= 1 && Math.abs(inv - k) <= 1e-9 * k;
  }
  apply(x: number): number {
    return this.divide ? x / this.inverse : x * this.step;
  }
}

export function lotsOf(qty: number, lotSize: number): number {
  return Math.floor(qty / lotSize + 0.5);
}

const BAND_LOW = BAND_BPS.map((bps) => 1 - bps / 10000);
const BAND_HIGH = BAND_BPS.map((bps) => 1 + bps / 10000);
const IMBALANCE_DEPTHS = [1, 5, 10, 20] as const;

export interface BookContext {
  readonly price: Scale;
  readonly qty: Scale;
  readonly lotSize: number;
  readonly notionalQuote: number;
}

/** Writes the book features of `book` into `row`. */
export function writeBookFeatures(book: OrderBook, ctx: BookContext, row: Float64Array): void {
  const { bids, asks } = book;
  const nb = bids.count;
  const na = asks.count;
  const both = nb > 0 && na > 0;
  const bb = nb > 0 ? bids.priceTicks[0]! : NaN;
  const ba = na > 0 ? asks.priceTicks[0]! : NaN;
  const bq = nb > 0 ? bids.qty[0]! : NaN;
  const aq = na > 0 ? asks.qty[0]! : NaN;
  const midTicks = both ? (bb + ba) * 0.5 : NaN;
  const mid = both ? ctx.price.apply(midTicks) : NaN;

  row[F.best_bid] = nb > 0 ? ctx.price.apply(bb) : NaN;
  row[F.best_ask] = na > 0 ? ctx.price.apply(ba) : NaN;
  row[F.best_bid_qty] = bq;
  row[F.best_ask_qty] = aq;
  row[F.mid] = mid;
  row[F.spread] = both ? ctx.price.apply(ba - bb) : NaN;
  row[F.spread_ticks] = both ? ba - bb : NaN;
  row[F.spread_bps] = both ? ((ba - bb) / midTicks) * 10000 : NaN;
  row[F.microprice] = both ? ctx.price.apply((bb * aq + ba * bq) / (bq + aq)) : NaN;

  const bidLots = cumulativeLots(bids, ctx.lotSize, BID_LOTS);
  const askLots = cumulativeLots(asks, ctx.lotSize, ASK_LOTS);
  for (let d = 0; d < IMBALANCE_DEPTHS.length; d++) {
    const vb = bidLots[d]!;
    const va = askLots[d]!;
    row[F.imbalance_l1 + d] = both ? (vb - va) / (vb + va) : NaN;
  }
  row[F.bid_qty_l10] = ctx.qty.apply(bidLots[2]!);
  row[F.ask_qty_l10] = ctx.qty.apply(askLots[2]!);
  row[F.bid_levels] = nb;
  row[F.ask_levels] = na;

  if (both) {
    bandLots(bids, midTicks, BAND_LOW, ctx.lotSize, BID_BANDS);
    bandLots(asks, midTicks, BAND_HIGH, ctx.lotSize, ASK_BANDS);
  }
  for (let b = 0; b < BAND_BPS.length; b++) {
    row[F.depth_bid_5bps_qty + 2 * b] = both ? ctx.qty.apply(BID_BANDS[b]!) : NaN;
    row[F.depth_ask_5bps_qty + 2 * b] = both ? ctx.qty.apply(ASK_BANDS[b]!) : NaN;
  }
  row[F.gap_bid_l10_ticks] = gapTicks(bids);
  row[F.gap_ask_l10_ticks] = gapTicks(asks);

  const vwapBuy = vwapOfNotional(asks, ctx.price, ctx.notionalQuote);
  const vwapSell = vwapOfNotional(bids, ctx.price, ctx.notionalQuote);
  row[F.vwap_buy_notional] = vwapBuy;
  row[F.vwap_sell_notional] = vwapSell;
  row[F.cost_buy_bps] = ((vwapBuy - mid) / mid) * 10000;
  row[F.cost_sell_bps] = ((mid - vwapSell) / mid) * 10000;
}

// Scratch space: the engine is single-threaded and the values are consumed at once.
const BID_LOTS = new Float64Array(IMBALANCE_DEPTHS.length);
const ASK_LOTS = new Float64Array(IMBALANCE_DEPTHS.length);

/** Lots of the best 1, 5, 10, 20 levels (fewer when the side is shallower), into `out`. */
function cumulativeLots(side: BookSide, lotSize: number, out: Float64Array): Float64Array {
  const n = Math.min(side.count, 20);
  let sum = 0;
  let d = 0;
  for (let i = 0; i < n; i++) {
    sum += lotsOf(side.qty[i]!, lotSize);
    while (d < IMBALANCE_DEPTHS.length && IMBALANCE_DEPTHS[d] === i + 1) out[d++] = sum;
  }
  while (d < IMBALANCE_DEPTHS.length) out[d++] = sum;
  return out;
}

const BID_BANDS = new Float64Array(BAND_BPS.length);
const ASK_BANDS = new Float64Array(BAND_BPS.length);

/**
 * Lots of the levels inside each band, in one walk from the best level:
 * band b holds bids with price >= mid * factor[b], asks with price <= mid * factor[b].
 * The bands are nested (factor moves away from 1 as b grows).
 */
function bandLots(side: BookSide, midTicks: number, factor: readonly number[], lotSize: number, out: Float64Array): void {
  const prices = side.priceTicks;
  const desc = side.descending;
  let sum = 0;
  let b = 0;
  for (let i = 0; i < side.count && b < factor.length; i++) {
    const p = prices[i]!;
    while (b < factor.length && (desc ? p < midTicks * factor[b]! : p > midTicks * factor[b]!)) out[b++] = sum;
    if (b === factor.length) break;
    sum += lotsOf(side.qty[i]!, lotSize);
  }
  while (b < factor.length) out[b++] = sum;
}

/** Empty ticks between consecutive levels among the best GAP_LEVELS; NaN for an empty side. */
function gapTicks(side: BookSide): number {
  const n = Math.min(side.count, GAP_LEVELS);
  if (n === 0) return NaN;
  let gaps = 0;
  const p = side.priceTicks;
  for (let i = 0; i + 1 < n; i++) {
    const step = side.descending ? p[i]! - p[i + 1]! : p[i + 1]! - p[i]!;
    gaps += step - 1;
  }
  return gaps;
}

/** Average fill price of a quote notional walked from the best level; NaN when the side is too thin. */
function vwapOfNotional(side: BookSide, price: Scale, notional: number): number {
  let remaining = notional;
  let filled = 0;
  for (let i = 0; i < side.count; i++) {
    const p = price.apply(side.priceTicks[i]!);
    const q = side.qty[i]!;
    const levelNotional = p * q;
    if (levelNotional >= remaining) {
      filled += remaining / p;
      remaining = 0;
      break;
    }
    filled += q;
    remaining -= levelNotional;
  }
  return remaining > 0 ? NaN : notional / filled;
}
