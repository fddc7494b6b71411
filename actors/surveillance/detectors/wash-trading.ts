/**
 * Wash-trade indicators from the raw trade stream: two prints of identical
 * price and size with opposite aggressors within pairWindowMs that did not
 * consume the displayed liquidity at that price (a genuine trade takes what
 * the book shows, so the level shrinks by about its size in the frames that
 * follow; a self-cross placed and hit inside one frame leaves it as it was).
 * The level may still change for other reasons (a busy touch always does):
 * only a decrease of at least half the print's size counts as consumption.
 * One alert per pair; its score grows with how often the pattern repeated
 * at that size within repeatWindowMs, so a lone coincidence stays below 50.
 */
import type { Alert } from "../alert.ts";
import type { BookUpdate, Trade } from "../../../src/switchboard.ts";
import type { WashTradingParams } from "../params.ts";
import { LazyRollingSample } from "../rolling-lazy.ts";
import { clamp01, makeAlert, round } from "./make-alert.ts";

interface Pair {
  readonly first: Trade;
  readonly second: Trade;
  /** Decreases seen at the pair's price per book side since the first print. */
  readonly decreased: [number, number];
}

export class WashTradingDetector {
  /**
   * The trades of the last pairWindowMs, oldest first: the Trade objects and, alongside, their
   * time, price and size, which every trade scans (contiguous numbers instead of a pointer chase
   * per trade object; the scan was most of this detector's cost).
   */
  private recent: Trade[] = [];
  private recentTs: number[] = [];
  private recentPrice: number[] = [];
  private recentQty: number[] = [];
  /**
   * How many of them are in the window: the arrays are never shortened (setting an array's
   * length is a runtime call, and most trades drop the ones before them), the slots past it are
   * overwritten by the next trades.
   */
  private recentCount = 0;
  private readonly paired = new WeakSet<Trade>();
  private pending: Pair[] = [];
  /** Confirmed pairs: flat [tsMs, qty]. */
  private confirmed: number[] = [];
  /**
   * Recent trade sizes: a print pairs only if at least minSizeMultiple x their median before it
   * (0 before any). Read only when a print finds a partner, which few do: pushes stay cheap.
   */
  private readonly sizes: LazyRollingSample;

  constructor(private readonly symbol: string, private readonly p: WashTradingParams) {
    this.sizes = new LazyRollingSample(p.tradeWindow);
  }

  onTrade(t: Trade): void {
    const p = this.p;
    const ts = t.exchTsMs, price = t.priceTicks, qty = t.qty;
    // One pass: drops the trades older than the window and finds the first (oldest) kept one
    // that pairs with this one: opposite aggressor, same price, same size, not paired yet; the
    // size test (the same for every partner) only once one is found.
    let search = true;
    const recent = this.recent, times = this.recentTs, prices = this.recentPrice, qtys = this.recentQty;
    const tolerance = 1e-12 * qty;
    let w = 0;
    for (let i = 0, n = this.recentCount; i < n; i++) {
      if (!(ts - times[i]! <= p.pairWindowMs)) continue;
      if (w !== i) {
        recent[w] = recent[i]!;
        times[w] = times[i]!;
        prices[w] = prices[i]!;
        qtys[w] = qtys[i]!;
      }
      if (search && prices[w] === price && Math.abs(qtys[w]! - qty) <= tolerance) {
        const old = recent[w]!;
        if (old.side !== t.side && !this.paired.has(old)) {
          search = false;
          if (this.largeEnough(qty)) {
            this.paired.add(old);
            this.paired.add(t);
            this.pending.push({ first: old, second: t, decreased: [0, 0] });
          }
        }
      }
      w++;
    }
    this.sizes.push(qty);
    if (w === recent.length) {
      recent.push(t);
      times.push(ts);
      prices.push(price);
      qtys.push(qty);
    } else {
      recent[w] = t;
      times[w] = ts;
      prices[w] = price;
      qtys[w] = qty;
    }
    this.recentCount = w + 1;
  }

  /** At least minSizeMultiple x the median of the sizes before this print (0 before any). */
  private largeEnough(qty: number): boolean {
    const sizes = this.sizes;
    return qty >= this.p.minSizeMultiple * (sizes.pushes === 0 ? 0 : sizes.median());
  }

  /**
   * Called before the book applies `update`; `qtyAt(side, priceTicks)` is the level's quantity
   * before it. Pairs are judged on the first frame that covers their second print; their alerts go onto `out`.
   */
  onBook(update: BookUpdate, qtyAt: (side: number, priceTicks: number) => number, out: Alert[]): void {
    if (this.pending.length === 0) return;
    let w = 0;
    const n = update.levelPriceTicks.length;
    for (const pair of this.pending) {
      const price = pair.first.priceTicks;
      for (let i = 0; i < n; i++) {
        if (update.levelPriceTicks[i] !== price) continue;
        const side = update.levelSide[i]!;
        const before = update.reset ? 0 : qtyAt(side, price);
        if (before > update.levelQty[i]!) pair.decreased[side] += before - update.levelQty[i]!;
      }
      if (update.exchTsMs < pair.second.exchTsMs) {
        this.pending[w++] = pair;
        continue;
      }
      if (Math.max(pair.decreased[0], pair.decreased[1]) < 0.5 * pair.first.qty) out.push(this.confirm(pair));
    }
    this.pending.length = w;
  }

  private confirm(pair: Pair): Alert {
    const p = this.p;
    const ts = pair.second.exchTsMs;
    let w = 0;
    for (let i = 0; i < this.confirmed.length; i += 2) {
      if (ts - this.confirmed[i]! > p.repeatWindowMs) continue;
      this.confirmed[w++] = this.confirmed[i]!;
      this.confirmed[w++] = this.confirmed[i + 1]!;
    }
    this.confirmed.length = w;
    this.confirmed.push(ts, pair.first.qty);
    let repeats = 0, sameSize = 0;
    for (let i = 0; i < this.confirmed.length; i += 2) {
      repeats++;
      if (Math.abs(this.confirmed[i + 1]! - pair.first.qty) <= 1e-12 * pair.first.qty) sameSize++;
    }
    const score = 100 * (0.3 + 0.2 * clamp01((repeats - 1) / 1) + 0.3 * clamp01((repeats - 2) / 4) + 0.1 * clamp01((sameSize - 1) / 3));
    // The book side the first print took liquidity from.
    const side = pair.first.side === "buy" ? "ask" : "bid";
    return makeAlert(
      this.symbol,
      "wash_trading",
      side,
      score,
      pair.first.exchTsMs,
      ts,
      {
        priceTicks: pair.first.priceTicks,
        qty: round(pair.first.qty),
        relatedTrades: [pair.first, pair.second].map((t) => ({ tradeId: t.tradeId, side: t.side, priceTicks: t.priceTicks, qty: round(t.qty), tsMs: t.exchTsMs })),
        gapMs: ts - pair.first.exchTsMs,
        repeatsInWindow: repeats,
        sameSizeRepeats: sameSize,
        repeatWindowMs: p.repeatWindowMs,
      },
      `A ${pair.first.side} and a ${pair.second.side} print of ${round(pair.first.qty, 6)} at the same price ${ts - pair.first.exchTsMs} ms apart left the book unchanged at that price (${repeats} such pairs in ${p.repeatWindowMs / 1000} s).`,
    );
  }
}
