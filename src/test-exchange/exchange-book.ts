/**
 * The test exchange's own order book for one symbol: the source of truth that
 * clients are checked against. Deliberately independent of the client's
 * `OrderBook` (actors/book): levels are kept as the exact decimal strings
 * Binance sent, sorted by their numeric value, in plain arrays, so a bug in
 * the client's tick arithmetic cannot hide behind the same bug here.
 *
 * Invariant: bids strictly descending, asks strictly ascending, no zero
 * quantities.
 */

export type LevelText = readonly [price: string, qty: string];

class Side {
  readonly prices: number[] = [];
  readonly priceText: string[] = [];
  readonly qtyText: string[] = [];

  constructor(readonly descending: boolean) {}

  get count(): number {
    return this.prices.length;
  }

  /** Index of `price`, or -(insertionPoint + 1). */
  private find(price: number): number {
    const prices = this.prices;
    let lo = 0;
    let hi = prices.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = prices[mid]!;
      if (p === price) return mid;
      if (this.descending ? p > price : p < price) lo = mid + 1;
      else hi = mid - 1;
    }
    return -(lo + 1);
  }

  set(priceText: string, qtyText: string): void {
    const price = Number(priceText);
    const at = this.find(price);
    const remove = Number(qtyText) === 0;
    if (at >= 0) {
      if (remove) {
        this.prices.splice(at, 1);
        this.priceText.splice(at, 1);
        this.qtyText.splice(at, 1);
      } else this.qtyText[at] = qtyText;
      return;
    }
    if (remove) return;
    const insertAt = -at - 1;
    this.prices.splice(insertAt, 0, price);
    this.priceText.splice(insertAt, 0, priceText);
    this.qtyText.splice(insertAt, 0, qtyText);
  }

  clear(): void {
    this.prices.length = 0;
    this.priceText.length = 0;
    this.qtyText.length = 0;
  }

  levels(limit: number): [string, string][] {
    const n = Math.min(limit, this.prices.length);
    const out: [string, string][] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = [this.priceText[i]!, this.qtyText[i]!];
    return out;
  }
}

/** A full book at one update id, numeric, best first: what tests compare against. */
export interface BookLevels {
  readonly u: number;
  readonly bidPrices: readonly number[];
  readonly bidQty: readonly number[];
  readonly askPrices: readonly number[];
  readonly askQty: readonly number[];
}

export class ExchangeBook {
  private readonly bids = new Side(true);
  private readonly asks = new Side(false);
  /** Update id the book is at: the snapshot's lastUpdateId, then each applied diff's `u`. */
  lastUpdateId = -1;

  constructor(readonly symbol: string) {}

  reset(lastUpdateId: number, bids: readonly LevelText[], asks: readonly LevelText[]): void {
    this.bids.clear();
    this.asks.clear();
    for (const [p, q] of bids) this.bids.set(p, q);
    for (const [p, q] of asks) this.asks.set(p, q);
    this.lastUpdateId = lastUpdateId;
  }

  applyDiff(u: number, bids: readonly LevelText[], asks: readonly LevelText[]): void {
    for (const [p, q] of bids) this.bids.set(p, q);
    for (const [p, q] of asks) this.asks.set(p, q);
    this.lastUpdateId = u;
  }

  get bidCount(): number {
    return this.bids.count;
  }

  get askCount(): number {
    return this.asks.count;
  }

  /** The REST `/fapi/v1/depth` body, exactly as Binance formats it. */
  restBody(limit: number, eventTimeMs: number, transactionTimeMs: number): string {
    return JSON.stringify({
      lastUpdateId: this.lastUpdateId,
      E: eventTimeMs,
      T: transactionTimeMs,
      bids: this.bids.levels(limit),
      asks: this.asks.levels(limit),
    });
  }

  /** Best `n` levels per side as [bid prices, bid qty, ask prices, ask qty], each padded to n with NaN. */
  top(n: number): Float64Array {
    const out = new Float64Array(4 * n).fill(Number.NaN);
    const fill = (side: Side, priceAt: number, qtyAt: number) => {
      const count = Math.min(n, side.count);
      for (let i = 0; i < count; i++) {
        out[priceAt + i] = side.prices[i]!;
        out[qtyAt + i] = Number(side.qtyText[i]!);
      }
    };
    fill(this.bids, 0, n);
    fill(this.asks, 2 * n, 3 * n);
    return out;
  }

  /** Every level, numeric. */
  levels(): BookLevels {
    return {
      u: this.lastUpdateId,
      bidPrices: this.bids.prices.slice(),
      bidQty: this.bids.qtyText.map(Number),
      askPrices: this.asks.prices.slice(),
      askQty: this.asks.qtyText.map(Number),
    };
  }
}
