/**
 * A tiny deterministic market for detector tests: a book of `depth` levels
 * per side around a mid, background flow (small adds, cancels and trades
 * near the touch, every 100 ms), and helpers to script manipulation on top.
 * Sizes scale with `unit`, so the same script can play at BTC or ETH sizes.
 */
import { OrderBook } from "../book/order-book.ts";
import { ASK, BID, TOP_LEVELS, type BookUpdate, type MarketEvent, type SymbolSpec, type Trade } from "../../src/switchboard.ts";
import { rng } from "../analytics/random-events.ts";

export class TestMarket {
  readonly book = new OrderBook();
  readonly events: MarketEvent[] = [];
  tsMs = 1_700_000_000_000;
  mid: number;
  backgroundTrades = true;
  private readonly r: () => number;
  private tradeId = 1;
  private u = 1;

  constructor(readonly spec: SymbolSpec, readonly unit: number, seed = 1, startMid = 100_000, readonly depth = 30) {
    this.r = rng(seed);
    this.mid = startMid;
    const levels: [number, number, number][] = [];
    for (let i = 1; i <= depth; i++) levels.push([BID, startMid - i, this.size()], [ASK, startMid + i, this.size()]);
    this.frame(levels, true);
  }

  size(): number {
    return Math.round((0.5 + this.r()) * this.unit / this.spec.lotSize) * this.spec.lotSize;
  }

  get bestBid(): number {
    return this.book.bestBidTicks;
  }

  get bestAsk(): number {
    return this.book.bestAskTicks;
  }

  /** One 100 ms step of background flow plus `extra` level changes, with optional time step. */
  step(extra: [number, number, number][] = [], dtMs = 100): void {
    this.tsMs += dtMs;
    if (this.backgroundTrades && this.r() < 0.3) {
      const buy = this.r() < 0.5;
      const side = buy ? ASK : BID;
      const price = buy ? this.bestAsk : this.bestBid;
      const qty = Math.min(this.book.side(side).qtyAt(price), Math.round(0.2 * this.unit / this.spec.lotSize) * this.spec.lotSize);
      if (qty > 0) this.trade(price, qty, buy ? "buy" : "sell", [[side, price, this.book.side(side).qtyAt(price) - qty]]);
    }
    const changes: [number, number, number][] = [];
    for (let k = 0; k < 4; k++) {
      const side = this.r() < 0.5 ? BID : ASK;
      const dist = 1 + Math.floor(this.r() * 10);
      const price = side === BID ? this.mid - dist : this.mid + dist;
      if (extra.some((e) => e[0] === side && e[1] === price)) continue;
      changes.push([side, price, this.size()]);
    }
    this.frame([...changes, ...extra]);
  }

  /** Runs background flow for `ms`. */
  run(ms: number): void {
    for (let t = 0; t < ms; t += 100) this.step();
  }

  /** Prints a trade; `changes` is what it did to the book (applied in the next frame, as Binance does). */
  trade(priceTicks: number, qty: number, side: "buy" | "sell", changes: [number, number, number][] = []): void {
    const t: Trade = { kind: "trade", symbol: this.spec.symbol, exchTsMs: this.tsMs, localTsMs: this.tsMs, tradeId: this.tradeId++, priceTicks, price: priceTicks * this.spec.tickSize, qty, side };
    this.events.push(t);
    if (changes.length) this.pendingChanges.push(...changes);
  }

  private pendingChanges: [number, number, number][] = [];

  /** Moves the whole book by `ticks` (the mid follows): the crossed side's near levels go, new ones appear. */
  shift(ticks: number, extra: [number, number, number][] = []): void {
    const changes: [number, number, number][] = [];
    const old = this.mid;
    this.mid += ticks;
    const up = ticks > 0;
    const [gone, grows] = up ? [ASK, BID] : [BID, ASK];
    const dir = up ? 1 : -1;
    for (let k = 1; k <= Math.abs(ticks); k++) {
      changes.push([gone, old + dir * k, 0]); // the side the price moved into loses its near levels
      changes.push([grows, old + dir * (k - 1), this.size()]); // the other side follows
      changes.push([gone, old + dir * (this.depth + k), this.size()]);
    }
    this.tsMs += 100;
    this.frame([...changes.filter((c) => !extra.some((e) => e[0] === c[0] && e[1] === c[1])), ...extra]);
  }

  frame(levels: [number, number, number][], reset = false): BookUpdate {
    const all = [...this.pendingChanges.filter((c) => !levels.some((l) => l[0] === c[0] && l[1] === c[1])), ...levels];
    this.pendingChanges = [];
    if (reset) this.book.clear();
    for (const [s, p, q] of all) this.book.apply(s, p, q);
    const top = (s: number): [Float64Array, Float64Array] => {
      const side = this.book.side(s);
      const n = Math.min(TOP_LEVELS, side.count);
      return [Float64Array.from(side.priceTicks.subarray(0, n), (p) => p * this.spec.tickSize), side.qty.slice(0, n)];
    };
    const [topBidPrice, topBidQty] = top(BID);
    const [topAskPrice, topAskQty] = top(ASK);
    const update: BookUpdate = {
      kind: "book", symbol: this.spec.symbol, exchTsMs: this.tsMs, localTsMs: this.tsMs, u: this.u++, reset, stale: false,
      levelSide: Uint8Array.from(all.map((l) => l[0])), levelPriceTicks: Float64Array.from(all.map((l) => l[1])), levelQty: Float64Array.from(all.map((l) => l[2])),
      topBidPrice, topBidQty, topAskPrice, topAskQty,
    };
    this.events.push(update);
    return update;
  }
}
