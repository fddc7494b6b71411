/**
 * A full-depth L2 order book for one instrument: a plain class, no I/O.
 *
 * Each side is a sorted pair of typed arrays (price in integer ticks, qty in
 * base units), best level first: bids descending, asks ascending. An update
 * costs a binary search and a `copyWithin` of the shorter part of the side;
 * reading the top N levels is a zero-copy view.
 */
import { ASK, BID, TOP_LEVELS } from "../../src/switchboard.ts";

const INITIAL_CAPACITY = 256;

/**
 * One side, best level first. Levels live in [start, start + count) of a
 * larger buffer with free room on both ends, like a deque: an insert or
 * removal shifts whichever part is shorter, the levels above it (towards the
 * touch, where most changes land) or those below. `priceTicks` and `qty` are
 * views of the live levels, rebuilt only after the layout changed.
 */
export class BookSide {
  private prices = new Float64Array(INITIAL_CAPACITY);
  private quantities = new Float64Array(INITIAL_CAPACITY);
  private start = INITIAL_CAPACITY >> 1;
  count = 0;
  private pricesView: Float64Array | null = null;
  private qtyView: Float64Array | null = null;

  /** `descending` for bids: index 0 holds the highest price. */
  constructor(readonly descending: boolean) {}

  /** Prices of the live levels, best first (a view: do not keep it across updates). */
  get priceTicks(): Float64Array {
    return (this.pricesView ??= this.prices.subarray(this.start, this.start + this.count));
  }

  /** Quantities of the live levels, best first (a view: do not keep it across updates). */
  get qty(): Float64Array {
    return (this.qtyView ??= this.quantities.subarray(this.start, this.start + this.count));
  }

  priceTicksAt(level: number): number {
    return this.prices[this.start + level]!;
  }

  qtyAtLevel(level: number): number {
    return this.quantities[this.start + level]!;
  }

  clear(): void {
    this.count = 0;
    this.start = this.prices.length >> 1;
    this.invalidate();
  }

  /** Level index of `priceTicks`, or -(insertionPoint + 1) when absent. */
  find(priceTicks: number): number {
    const prices = this.prices;
    const base = this.start;
    let lo = 0;
    let hi = this.count - 1;
    const desc = this.descending;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = prices[base + mid]!;
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
      const previous = this.quantities[this.start + at]!;
      if (qty > 0) this.quantities[this.start + at] = qty;
      else this.removeAt(at);
      return previous;
    }
    if (qty <= 0) return 0;
    this.insertAt(-at - 1, priceTicks, qty);
    return 0;
  }

  qtyAt(priceTicks: number): number {
    const at = this.find(priceTicks);
    return at >= 0 ? this.quantities[this.start + at]! : 0;
  }

  private insertAt(level: number, priceTicks: number, qty: number): void {
    const towardsTouch = level < this.count - level;
    if (towardsTouch ? this.start === 0 : this.start + this.count === this.prices.length) this.makeRoom();
    const { prices, quantities, start } = this;
    if (level < this.count - level) {
      // Shift the levels above (better than) the new one up by one slot.
      prices.copyWithin(start - 1, start, start + level);
      quantities.copyWithin(start - 1, start, start + level);
      this.start = start - 1;
    } else {
      prices.copyWithin(start + level + 1, start + level, start + this.count);
      quantities.copyWithin(start + level + 1, start + level, start + this.count);
    }
    prices[this.start + level] = priceTicks;
    quantities[this.start + level] = qty;
    this.count++;
    this.invalidate();
  }

  private removeAt(level: number): void {
    const { prices, quantities, start } = this;
    if (level < this.count - 1 - level) {
      prices.copyWithin(start + 1, start, start + level);
      quantities.copyWithin(start + 1, start, start + level);
      this.start = start + 1;
    } else {
      prices.copyWithin(start + level, start + level + 1, start + this.count);
      quantities.copyWithin(start + level, start + level + 1, start + this.count);
    }
    this.count--;
    this.invalidate();
  }

  /** Re-centres the levels, doubling the buffer when it is more than half full. */
  private makeRoom(): void {
    const capacity = this.count * 2 >= this.prices.length ? this.prices.length * 2 : this.prices.length;
    const newStart = (capacity - this.count) >> 1;
    const prices = capacity === this.prices.length ? this.prices : new Float64Array(capacity);
    const quantities = capacity === this.quantities.length ? this.quantities : new Float64Array(capacity);
    if (prices === this.prices) {
      prices.copyWithin(newStart, this.start, this.start + this.count);
      quantities.copyWithin(newStart, this.start, this.start + this.count);
    } else {
      prices.set(this.prices.subarray(this.start, this.start + this.count), newStart);
      quantities.set(this.quantities.subarray(this.start, this.start + this.count), newStart);
    }
    this.prices = prices;
    this.quantities = quantities;
    this.start = newStart;
    this.invalidate();
  }

  private invalidate(): void {
    this.pricesView = null;
    this.qtyView = null;
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
    return this.bids.count > 0 ? this.bids.priceTicksAt(0) : Number.NaN;
  }

  get bestAskTicks(): number {
    return this.asks.count > 0 ? this.asks.priceTicksAt(0) : Number.NaN;
  }

  get isEmpty(): boolean {
    return this.bids.count === 0 && this.asks.count === 0;
  }

  /** True when best bid >= best ask: the book is not a valid market state. */
  get isCrossed(): boolean {
    return this.bids.count > 0 && this.asks.count > 0 && this.bids.priceTicksAt(0) >= this.asks.priceTicksAt(0);
  }
}

/** A side's best `count` levels as real prices (ticks x tickSize) and quantities, copied. */
export function topLevels(book: OrderBook, side: number, tickSize: number, count = TOP_LEVELS): [Float64Array, Float64Array] {
  const s = book.side(side);
  const n = Math.min(count, s.count);
  const prices = new Float64Array(n);
  for (let i = 0; i < n; i++) prices[i] = s.priceTicksAt(i) * tickSize;
  return [prices, s.qty.slice(0, n)];
}
