/**
 * The simulator's own order book for one symbol: integer ticks, integer
 * lots, both sides in one power-of-two ring indexed by `priceTicks & MASK`.
 *
 * Invariants after every event (checked by the tests):
 * - never crossed: every bid < bestAsk, every ask > bestBid; neither side empty;
 * - every bid lies in [bestAsk - bandTicks, bestBid] and every ask in
 *   [bestAsk, bestBid + bandTicks], so the occupied span is < 2 * bandTicks < RING
 *   and slots never alias;
 * - each side's Fenwick tree holds, per slot, orderCount * cancelWeight[bucket],
 *   where bucket = floor(log2(distance to the opposite best)).
 *
 * Every level change of the current event is recorded (once per level), with
 * the trades of a market order, for the frame writer to publish.
 */
import { FenwickTree } from "./fenwick.ts";

export const RING = 4096;
const MASK = RING - 1;
export const BID_SIDE = 0;
export const ASK_SIDE = 1;
/** Above this reference move, re-bucketing a whole side is cheaper than walking the octave strips. */
const FULL_REBUCKET_TICKS = 128;

export function distanceBucket(distanceTicks: number): number {
  return 31 - Math.clz32(distanceTicks);
}

export class SimBook {
  readonly qtyLots = new Float64Array(RING);
  /** Resting orders per level (1 <= orders <= lots): cancels remove whole orders. */
  readonly orderCount = new Float64Array(RING);
  private readonly bucket = new Uint8Array(RING);
  readonly cancelTree = [new FenwickTree(RING), new FenwickTree(RING)] as const;
  readonly levelCount = [0, 0];
  bestBid = 0;
  bestAsk = 0;
  /** Lowest tick that may hold a bid / highest that may hold an ask. */
  private bidFloor = 0;
  private askCeiling = 0;
  private readonly maxBucket: number;

  // The current event's level changes and trades.
  private readonly touchedEpoch = new Int32Array(RING);
  private epoch = 0;
  changeCount = 0;
  readonly changeSide = new Uint8Array(RING);
  readonly changePriceTicks = new Float64Array(RING);
  tradeCount = 0;
  readonly tradePriceTicks = new Float64Array(RING);
  readonly tradeLots = new Float64Array(RING);

  /** `cancelWeight[b]`: integer weight of one order resting in distance bucket b. */
  constructor(
    readonly bandTicks: number,
    private readonly cancelWeight: Float64Array,
  ) {
    if (bandTicks < 2 || 2 * bandTicks + 2 > RING) throw new Error(`SimBook: bandTicks=${bandTicks} must be in [2, ${RING / 2 - 1}]`);
    this.maxBucket = distanceBucket(bandTicks);
    if (cancelWeight.length <= this.maxBucket) throw new Error(`SimBook: need ${this.maxBucket + 1} cancel weights, got ${cancelWeight.length}`);
  }

  /** Starts an empty book with the given touch; `seedLevel` then fills it. */
  reset(bestBidTicks: number, bestAskTicks: number): void {
    if (!(bestBidTicks < bestAskTicks)) throw new Error(`SimBook: crossed start bid=${bestBidTicks} ask=${bestAskTicks}`);
    this.qtyLots.fill(0);
    this.orderCount.fill(0);
    this.cancelTree[0].clear();
    this.cancelTree[1].clear();
    this.levelCount[0] = this.levelCount[1] = 0;
    this.bestBid = bestBidTicks;
    this.bestAsk = bestAskTicks;
    this.bidFloor = bestBidTicks;
    this.askCeiling = bestAskTicks;
  }

  /** Adds orders at a level inside the band without moving the touch (seeding only). */
  seedLevel(side: number, priceTicks: number, lots: number, orders: number): void {
    const distance = side === BID_SIDE ? this.bestAsk - priceTicks : priceTicks - this.bestBid;
    if (distance < 1 || distance > this.bandTicks) throw new Error(`SimBook: seed outside band side=${side} price=${priceTicks}`);
    if (side === BID_SIDE ? priceTicks > this.bestBid : priceTicks < this.bestAsk) throw new Error(`SimBook: seed inside spread price=${priceTicks}`);
    if (!(orders >= 1 && orders <= lots)) throw new Error(`SimBook: bad seed lots=${lots} orders=${orders}`);
    const slot = priceTicks & MASK;
    this.setLots(side, priceTicks, this.qtyLots[slot]! + lots, this.orderCount[slot]! + orders);
    if (side === BID_SIDE) this.bidFloor = Math.min(this.bidFloor, priceTicks);
    else this.askCeiling = Math.max(this.askCeiling, priceTicks);
  }

  beginEvent(): void {
    this.epoch++;
    this.changeCount = 0;
    this.tradeCount = 0;
  }

  qtyAt(priceTicks: number): number {
    return this.qtyLots[priceTicks & MASK]!;
  }

  /** A limit order of `lots` at `distanceTicks` (>= 1) from the opposite best. */
  addLimit(side: number, distanceTicks: number, lots: number): void {
    if (side === BID_SIDE) {
      const price = this.bestAsk - distanceTicks;
      this.setLots(BID_SIDE, price, this.qtyLots[price & MASK]! + lots, this.orderCount[price & MASK]! + 1);
      if (price < this.bidFloor) this.bidFloor = price;
      if (price > this.bestBid) this.moveBestBid(price);
    } else {
      const price = this.bestBid + distanceTicks;
      this.setLots(ASK_SIDE, price, this.qtyLots[price & MASK]! + lots, this.orderCount[price & MASK]! + 1);
      if (price > this.askCeiling) this.askCeiling = price;
      if (price < this.bestAsk) this.moveBestAsk(price);
    }
  }

  /**
   * Cancels one order (of the level's mean size) at a resting level. The
   * side's last level is never emptied (a one-sided book is not a market).
   * Returns the lots cancelled.
   */
  cancel(side: number, priceTicks: number): number {
    const slot = priceTicks & MASK;
    const resting = this.qtyLots[slot]!;
    const orders = this.orderCount[slot]!;
    if (orders === 0 || (orders === 1 && this.levelCount[side] === 1)) return 0;
    // Every remaining order keeps at least one lot.
    const amount = orders === 1 ? resting : Math.min(Math.max(1, Math.round(resting / orders)), resting - (orders - 1));
    this.setLots(side, priceTicks, resting - amount, orders - 1);
    if (amount === resting) {
      if (side === BID_SIDE && priceTicks === this.bestBid) this.moveBestBid(this.scanBid(priceTicks - 1));
      else if (side === ASK_SIDE && priceTicks === this.bestAsk) this.moveBestAsk(this.scanAsk(priceTicks + 1));
    }
    return amount;
  }

  /**
   * A market order of `lots` that walks the opposite side from the touch,
   * one trade per level. Buys (aggressorSide BID_SIDE) lift asks. Stops short
   * of emptying the side. Returns the lots filled.
   */
  marketOrder(aggressorSide: number, lots: number): number {
    const side = aggressorSide === BID_SIDE ? ASK_SIDE : BID_SIDE;
    let remaining = lots;
    let price = side === ASK_SIDE ? this.bestAsk : this.bestBid;
    while (remaining > 0) {
      const resting = this.qtyLots[price & MASK]!;
      const last = this.levelCount[side] === 1;
      let take = remaining < resting ? remaining : resting;
      if (last && take === resting) take = resting - 1;
      if (take <= 0) break;
      this.tradePriceTicks[this.tradeCount] = price;
      this.tradeLots[this.tradeCount++] = take;
      remaining -= take;
      const left = resting - take;
      // FIFO: the front orders fill; keep the count proportional, at least 1 and at most the lots left.
      const orders = left === 0 ? 0 : Math.min(left, Math.max(1, Math.round((this.orderCount[price & MASK]! * left) / resting)));
      this.setLots(side, price, left, orders);
      if (take < resting) break;
      price = side === ASK_SIDE ? this.scanAsk(price + 1) : this.scanBid(price - 1);
    }
    if (side === ASK_SIDE && price !== this.bestAsk) this.moveBestAsk(price);
    else if (side === BID_SIDE && price !== this.bestBid) this.moveBestBid(price);
    return lots - remaining;
  }

  /** Slot of a resting level drawn with probability proportional to its cancel weight. */
  drawCancelPrice(side: number, target: number): number {
    const slot = this.cancelTree[side].find(target);
    // Map the slot back to a price near the side's touch (the span is < RING).
    const reference = side === BID_SIDE ? this.bestBid : this.bestAsk;
    return side === BID_SIDE ? reference - ((reference - slot) & MASK) : reference + ((slot - reference) & MASK);
  }

  /** Up to `limit` levels of a side, best first, into the given arrays; returns the count. */
  readLevels(side: number, limit: number, priceTicks: Float64Array | number[], lots: Float64Array | number[]): number {
    let count = 0;
    if (side === BID_SIDE) {
      for (let p = this.bestBid; p >= this.bidFloor && count < limit; p--) {
        const q = this.qtyLots[p & MASK]!;
        if (q > 0) (priceTicks[count] = p), (lots[count++] = q);
      }
    } else {
      for (let p = this.bestAsk; p <= this.askCeiling && count < limit; p++) {
        const q = this.qtyLots[p & MASK]!;
        if (q > 0) (priceTicks[count] = p), (lots[count++] = q);
      }
    }
    return count;
  }

  /** Recomputes every tree weight from scratch and compares: for tests. */
  checkCancelWeights(): boolean {
    for (const side of [BID_SIDE, ASK_SIDE]) {
      const prices: number[] = [];
      const lots: number[] = [];
      const n = this.readLevels(side, RING, prices, lots);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const distance = side === BID_SIDE ? this.bestAsk - prices[i]! : prices[i]! - this.bestBid;
        if (distance < 1 || distance > this.bandTicks) return false;
        const orders = this.orderCount[prices[i]! & MASK]!;
        if (this.bucket[prices[i]! & MASK] !== distanceBucket(distance)) return false;
        if (!(orders >= 1 && orders <= lots[i]! && Number.isInteger(orders) && Number.isInteger(lots[i]!))) return false;
        total += orders * this.cancelWeight[distanceBucket(distance)]!;
      }
      if (n !== this.levelCount[side] || total !== this.cancelTree[side].total) return false;
    }
    return true;
  }

  // ------------------------------------------------------------ internals

  private setLots(side: number, priceTicks: number, lots: number, orders: number): void {
    const slot = priceTicks & MASK;
    const previous = this.qtyLots[slot]!;
    const previousOrders = this.orderCount[slot]!;
    if (previous === 0) {
      this.levelCount[side]!++;
      this.bucket[slot] = distanceBucket(side === BID_SIDE ? this.bestAsk - priceTicks : priceTicks - this.bestBid);
    } else if (lots === 0) {
      this.levelCount[side]!--;
    }
    this.qtyLots[slot] = lots;
    this.orderCount[slot] = orders;
    this.cancelTree[side].add(slot, (orders - previousOrders) * this.cancelWeight[this.bucket[slot]!]!);
    if (this.touchedEpoch[slot] !== this.epoch) {
      this.touchedEpoch[slot] = this.epoch;
      this.changeSide[this.changeCount] = side;
      this.changePriceTicks[this.changeCount++] = priceTicks;
    }
  }

  private scanBid(fromTicks: number): number {
    for (let p = fromTicks; p >= this.bidFloor; p--) if (this.qtyLots[p & MASK]! > 0) return p;
    throw new Error(`SimBook: no bid at or below ${fromTicks}`);
  }

  private scanAsk(fromTicks: number): number {
    for (let p = fromTicks; p <= this.askCeiling; p++) if (this.qtyLots[p & MASK]! > 0) return p;
    throw new Error(`SimBook: no ask at or above ${fromTicks}`);
  }

  /** The best bid is the asks' reference: withdraw asks now out of band, then re-bucket the rest. */
  private moveBestBid(priceTicks: number): void {
    const previous = this.bestBid;
    this.bestBid = priceTicks;
    const ceiling = priceTicks + this.bandTicks;
    for (let p = this.askCeiling; p > ceiling; p--) if (this.qtyLots[p & MASK]! > 0) this.setLots(ASK_SIDE, p, 0, 0);
    if (this.askCeiling > ceiling) this.askCeiling = ceiling;
    this.rebucket(ASK_SIDE, previous, priceTicks);
  }

  private moveBestAsk(priceTicks: number): void {
    const previous = this.bestAsk;
    this.bestAsk = priceTicks;
    const floor = priceTicks - this.bandTicks;
    for (let p = this.bidFloor; p < floor; p++) if (this.qtyLots[p & MASK]! > 0) this.setLots(BID_SIDE, p, 0, 0);
    if (this.bidFloor < floor) this.bidFloor = floor;
    this.rebucket(BID_SIDE, previous, priceTicks);
  }

  /**
   * The opposite best moved from `oldRef` to `newRef`: only levels whose
   * distance crosses a power of two change bucket, i.e. strips of |delta|
   * ticks next to each octave boundary.
   */
  private rebucket(side: number, oldRef: number, newRef: number): void {
    const delta = newRef - oldRef;
    if (delta === 0) return;
    const low = side === BID_SIDE ? this.bidFloor : this.bestAsk;
    const high = side === BID_SIDE ? this.bestBid : this.askCeiling;
    if (Math.abs(delta) >= FULL_REBUCKET_TICKS) {
      for (let p = low; p <= high; p++) this.rebucketLevel(side, p, newRef);
      return;
    }
    // For bids distance = ref - p, so a rising ref lengthens distances; for asks distance = p - ref.
    const grow = side === BID_SIDE ? delta > 0 : delta < 0;
    const size = Math.abs(delta);
    for (let k = 1; k <= this.maxBucket; k++) {
      const boundary = 1 << k;
      const fromDistance = grow ? Math.max(1, boundary - size) : boundary;
      const toDistance = grow ? boundary - 1 : boundary + size - 1;
      for (let d = fromDistance; d <= toDistance; d++) {
        const p = side === BID_SIDE ? oldRef - d : oldRef + d;
        if (p >= low && p <= high) this.rebucketLevel(side, p, newRef);
      }
    }
  }

  private rebucketLevel(side: number, priceTicks: number, ref: number): void {
    const slot = priceTicks & MASK;
    const orders = this.orderCount[slot]!;
    if (orders === 0) return;
    const next = distanceBucket(side === BID_SIDE ? ref - priceTicks : priceTicks - ref);
    const current = this.bucket[slot]!;
    if (next === current) return;
    this.bucket[slot] = next;
    this.cancelTree[side].add(slot, orders * (this.cancelWeight[next]! - this.cancelWeight[current]!));
  }
}
