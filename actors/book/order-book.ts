/**
 * A full-depth L2 order book for one instrument: a plain class, no I/O.
 *
 * Each side is a sorted pair of typed arrays (price in integer ticks, qty in
 * base units), best level first: bids descending, asks ascending. Updates
 * near the touch, where almost all of them land, cost a binary search and a
 * short `copyWithin`; reading the top N levels is a zero-copy `subarray`.
 */
import { ASK, BID } from "../../src/switchboard.ts";

const INITIAL_CAPACITY = 256;

export class BookSide {
  priceTicks = new Float64Array(INITIAL_CAPACITY);
  qty = new Float64Array(INITIAL_CAPACITY);
  count = 0;

  /** `descending` for bids: index 0 holds the highest price. */
  constructor(readonly descending: boolean) {}

  clear(): void {
    this.count = 0;
  }

  /** Index of `priceTicks`, or -(insertionPoint + 1) when absent. */
  find(priceTicks: number): number {
    const prices = this.priceTicks;
    let lo = 0;
    let hi = this.count - 1;
    const desc = this.descending;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = prices[mid]!;
      if (p === priceTicks) return mid;
      if (desc ? p > priceTicks : p < priceTicks) lo = mid + 1;
      else hi = mid - 1;
    }
    return -(lo + 1);
  }

  /** Sets the level's quantity; 0 removes it. Returns the previous quantity. */
  set(priceTicks: number, qty: number): number {
    const at = this.find(priceTicks);
    if (at >= 0) {
      const previous = this.qty[at]!;
      if (qty > 0) {
        this.qty[at] = qty;
      } else {
        this.priceTicks.copyWithin(at, at + 1, this.count);
        this.qty.copyWithin(at, at + 1, this.count);
        this.count--;
      }
      return previous;
    }
    if (qty <= 0) return 0;
    const insertAt = -at - 1;
    if (this.count === this.priceTicks.length) this.grow();
    this.priceTicks.copyWithin(insertAt + 1, insertAt, this.count);
    this.qty.copyWithin(insertAt + 1, insertAt, this.count);
    this.priceTicks[insertAt] = priceTicks;
    this.qty[insertAt] = qty;
    this.count++;
    return 0;
  }

  qtyAt(priceTicks: number): number {
    const at = this.find(priceTicks);
    return at >= 0 ? this.qty[at]! : 0;
  }

  private grow(): void {
    const prices = new Float64Array(this.priceTicks.length * 2);
    const qty = new Float64Array(this.qty.length * 2);
    prices.set(this.priceTicks);
    qty.set(this.qty);
    this.priceTicks = prices;
    this.qty = qty;
  }
}

export class OrderBook {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  /** `side` is BID or ASK; qty 0 removes the level. Returns the previous qty. */
  apply(side: number, priceTicks: number, qty: number): number {
    return (side === BID ? this.bids : this.asks).set(priceTicks, qty);
  }

  side(side: number): BookSide {
    return side === ASK ? this.asks : this.bids;
  }

  get bestBidTicks(): number {
    return this.bids.count > 0 ? this.bids.priceTicks[0]! : Number.NaN;
  }

  get bestAskTicks(): number {
    return this.asks.count > 0 ? this.asks.priceTicks[0]! : Number.NaN;
  }

  get isEmpty(): boolean {
    return this.bids.count === 0 && this.asks.count === 0;
  }

  /** True when best bid >= best ask: the book is not a valid market state. */
  get isCrossed(): boolean {
    return this.bids.count > 0 && this.asks.count > 0 && this.bids.priceTicks[0]! >= this.asks.priceTicks[0]!;
  }
}
