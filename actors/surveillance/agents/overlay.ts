/**
 * The book overlay the injector writes through: it follows the real book of
 * one symbol and the synthetic orders resting on it, and emits MarketEvents
 * for the combined book.
 *
 * Invariant: every emitted level quantity is `real + synthetic` (or 0 for a
 * level a synthetic sweep has consumed and the market has not refilled), so
 * a book rebuilt from the output is always the real book plus the injected
 * orders resting at that moment: a later real update of a level that holds
 * a synthetic order still carries the synthetic size. When the real market
 * moves through a resting synthetic order (it would have been filled) the
 * order is cancelled in the same update, so the output book is never crossed
 * unless the real one is.
 */
import { decimalsOf } from "../../../src/symbols.ts";
import { ASK, BID, type AggressorSide, type BookUpdate, type MarketEvent, type SymbolSpec, type Trade } from "../../../src/switchboard.ts";
import { OrderBook, topLevels } from "../../book/order-book.ts";

/** Synthetic trade ids start here, far above any real Binance id, so they never collide. */
export const SYNTHETIC_TRADE_ID_BASE = 8_000_000_000_000_000;

export interface SynthOrder {
  readonly side: number;
  readonly priceTicks: number;
  readonly qty: number;
  live: boolean;
  /** Called when the real market crossed the order and the overlay cancelled it. */
  readonly onForcedCancel?: (tsMs: number) => void;
}

export class Overlay {
  readonly real = new OrderBook();
  readonly shown = new OrderBook();
  readonly out: MarketEvent[] = [];
  /** 1 where `out[i]` was injected, 0 where it is a (possibly amended) real event. */
  readonly synthetic: number[] = [];
  private readonly synth = [new Map<number, number>(), new Map<number, number>()];
  /** Levels a synthetic sweep consumed: shown as 0 until `restore`. */
  private readonly consumed = [new Set<number>(), new Set<number>()];
  private readonly orders = new Set<SynthOrder>();
  private readonly qtyDecimals: number;
  private nextTradeId = SYNTHETIC_TRADE_ID_BASE;
  /** The real book's mid (2 x ticks) after each real update, for agents that size their distance to the price's moves. */
  private readonly midTsMs: number[] = [];
  private readonly mid2: number[] = [];
  /** Real prints: exchange ms and cumulative quantity (both aggressor sides). */
  private readonly tradeTsMs: number[] = [];
  private readonly tradeCumQty: number[] = [];
  private u = 0;
  private localOffsetMs = 0;

  constructor(readonly spec: SymbolSpec) {
    this.qtyDecimals = Math.min(12, decimalsOf(spec.lotSize) + 3);
  }

  bestBidTicks(): number {
    return this.shown.bestBidTicks;
  }

  bestAskTicks(): number {
    return this.shown.bestAskTicks;
  }

  /** The next shown level of `side` behind `priceTicks` (further from the spread), NaN if none. */
  nextPriceTicks(side: number, priceTicks: number): number {
    const s = this.shown.side(side);
    for (let i = 0; i < s.count; i++) {
      const p = s.priceTicks[i]!;
      if (side === BID ? p < priceTicks : p > priceTicks) return p;
    }
    return Number.NaN;
  }

  /**
   * The `quantile` of |mid(t + horizon) - mid(t)| (ticks) of the real book over the `lookbackMs`
   * before `nowTsMs`, t every 250 ms: how far the price has lately moved over that horizon.
   * 0 with too little history.
   */
  recentMoveTicks(nowTsMs: number, horizonMs: number, lookbackMs: number, quantile: number): number {
    const ts = this.midTsMs, mid2 = this.mid2;
    if (ts.length === 0) return 0;
    const moves: number[] = [];
    let a = 0, b = 0;
    for (let t = Math.max(ts[0]!, nowTsMs - lookbackMs); t + horizonMs <= nowTsMs; t += 250) {
      while (a + 1 < ts.length && ts[a + 1]! <= t) a++;
      while (b + 1 < ts.length && ts[b + 1]! <= t + horizonMs) b++;
      moves.push(Math.abs(mid2[b]! - mid2[a]!) / 2);
    }
    if (moves.length === 0) return 0;
    moves.sort((x, y) => x - y);
    return moves[Math.floor(quantile * (moves.length - 1))]!;
  }

  /** Real aggressive volume per second and side (mean of the two sides) over the `lookbackMs` before `nowTsMs` (or what there is of it). */
  recentAggressorQtyPerSec(nowTsMs: number, lookbackMs: number): number {
    const ts = this.tradeTsMs, cum = this.tradeCumQty;
    if (ts.length === 0) return 0;
    const from = Math.max(ts[0]!, nowTsMs - lookbackMs);
    const spanMs = nowTsMs - from;
    if (spanMs <= 0) return 0;
    const cumAt = (t: number): number => {
      let lo = 0, hi = ts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ts[mid]! <= t) lo = mid + 1;
        else hi = mid;
      }
      return lo === 0 ? 0 : cum[lo - 1]!;
    };
    return (cumAt(nowTsMs) - cumAt(from)) / 2 / (spanMs / 1000);
  }

  shownQty(side: number, priceTicks: number): number {
    if (this.consumed[side]!.has(priceTicks)) return 0;
    const sum = this.real.side(side).qtyAt(priceTicks) + (this.synth[side]!.get(priceTicks) ?? 0);
    return Number(sum.toFixed(this.qtyDecimals));
  }

  /** Passes one real event through, amended with the synthetic state. */
  passReal(event: MarketEvent): void {
    if (event.kind === "trade") {
      this.tradeTsMs.push(event.exchTsMs);
      this.tradeCumQty.push((this.tradeCumQty.length > 0 ? this.tradeCumQty[this.tradeCumQty.length - 1]! : 0) + event.qty);
      this.push(event, 0);
      return;
    }
    this.u = event.u;
    this.localOffsetMs = event.localTsMs - event.exchTsMs;
    const touched: [number, number][] = [];
    if (event.reset) {
      this.real.clear();
      this.shown.clear();
      for (const side of [BID, ASK]) this.consumed[side]!.clear();
    }
    for (let i = 0; i < event.levelQty.length; i++) {
      this.real.apply(event.levelSide[i]!, event.levelPriceTicks[i]!, event.levelQty[i]!);
      touched.push([event.levelSide[i]!, event.levelPriceTicks[i]!]);
    }
    // The market moved through a resting synthetic order: it would have traded, so pull it now.
    const bestBid = this.real.bestBidTicks;
    const bestAsk = this.real.bestAskTicks;
    if (!Number.isNaN(bestBid + bestAsk)) {
      this.midTsMs.push(event.exchTsMs);
      this.mid2.push(bestBid + bestAsk);
    }
    for (const order of [...this.orders]) {
      const crossed = order.side === BID ? order.priceTicks >= bestAsk : order.priceTicks <= bestBid;
      if (!crossed) continue;
      this.removeOrder(order);
      touched.push([order.side, order.priceTicks]);
      order.onForcedCancel?.(event.exchTsMs);
    }
    if (event.reset) for (const side of [BID, ASK]) for (const price of this.synth[side]!.keys()) touched.push([side, price]);
    this.push(this.update(event.exchTsMs, touched, event.reset), 0);
  }

  /** Rests a synthetic order (all of `orders` in one update: layering places its stack at once). */
  place(tsMs: number, orders: readonly SynthOrder[]): void {
    for (const order of orders) {
      const map = this.synth[order.side]!;
      map.set(order.priceTicks, (map.get(order.priceTicks) ?? 0) + order.qty);
      this.orders.add(order);
    }
    this.push(this.update(tsMs, orders.map((o) => [o.side, o.priceTicks])), 1);
  }

  /** Cancels the live ones of `orders` in one update; returns how many were live. */
  cancel(tsMs: number, orders: readonly SynthOrder[]): number {
    const live = orders.filter((o) => o.live);
    if (live.length === 0) return 0;
    for (const order of live) this.removeOrder(order);
    this.push(this.update(tsMs, live.map((o) => [o.side, o.priceTicks])), 1);
    return live.length;
  }

  /** A synthetic sweep took the whole level: shown as 0 until `restore`. */
  consume(tsMs: number, side: number, priceTicks: number): void {
    this.consumed[side]!.add(priceTicks);
    this.push(this.update(tsMs, [[side, priceTicks]]), 1);
  }

  /** Liquidity returns to every consumed level (the reversal after a sweep). */
  restore(tsMs: number): void {
    const touched: [number, number][] = [];
    for (const side of [BID, ASK]) {
      for (const price of this.consumed[side]!) touched.push([side, price]);
      this.consumed[side]!.clear();
    }
    if (touched.length > 0) this.push(this.update(tsMs, touched), 1);
  }

  /** A synthetic print; `aggressor` buy means it traded at an ask. */
  trade(tsMs: number, priceTicks: number, qty: number, aggressor: AggressorSide): Trade {
    const trade: Trade = {
      kind: "trade",
      symbol: this.spec.symbol,
      exchTsMs: tsMs,
      localTsMs: tsMs + this.localOffsetMs,
      tradeId: this.nextTradeId++,
      priceTicks,
      price: Number((priceTicks * this.spec.tickSize).toFixed(decimalsOf(this.spec.tickSize))),
      qty,
      side: aggressor,
    };
    this.push(trade, 1);
    return trade;
  }

  private removeOrder(order: SynthOrder): void {
    order.live = false;
    this.orders.delete(order);
    const map = this.synth[order.side]!;
    const left = (map.get(order.priceTicks) ?? 0) - order.qty;
    if (left > 1e-12) map.set(order.priceTicks, left);
    else map.delete(order.priceTicks);
  }

  private push(event: MarketEvent, synthetic: number): void {
    this.out.push(event);
    this.synthetic.push(synthetic);
  }

  private update(tsMs: number, touched: readonly (readonly [number, number])[], reset = false): BookUpdate {
    const seen = new Set<number>();
    const sides: number[] = [];
    const prices: number[] = [];
    const qtys: number[] = [];
    for (const [side, price] of touched) {
      const key = price * 2 + side;
      if (seen.has(key)) continue;
      seen.add(key);
      const qty = this.shownQty(side, price);
      if (reset && qty === 0) continue;
      this.shown.apply(side, price, qty);
      sides.push(side);
      prices.push(price);
      qtys.push(qty);
    }
    const [topBidPrice, topBidQty] = topLevels(this.shown, BID, this.spec.tickSize);
    const [topAskPrice, topAskQty] = topLevels(this.shown, ASK, this.spec.tickSize);
    return {
      kind: "book",
      symbol: this.spec.symbol,
      exchTsMs: tsMs,
      localTsMs: tsMs + this.localOffsetMs,
      u: this.u,
      reset,
      ...(reset ? { spec: this.spec } : {}),
      stale: false,
      levelSide: Uint8Array.from(sides),
      levelPriceTicks: Float64Array.from(prices),
      levelQty: Float64Array.from(qtys),
      topBidPrice,
      topBidQty,
      topAskPrice,
      topAskQty,
    };
  }
}
