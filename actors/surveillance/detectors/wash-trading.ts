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
   * The trades of the last pairWindowMs, oldest first, in slots head..end-1: the Trade objects
   * and, alongside, their time, price and size, which every trade scans (contiguous numbers
   * instead of a pointer chase per trade object).
   */
  private recent: Trade[] = [];
  private recentTs = new Float64Array(64);
  private recentPrice = new Float64Array(64);
  private recentQty = new Float64Array(64);
  private head = 0;
  private end = 0;
  /**
   * Whether the window's times are in order (non-decreasing, none NaN), as a feed's are: then
   * the trades that leave it are the oldest ones and the window just moves its head. Out of
   * order, each trade tests every slot and compacts the window (a pass per trade, as before the
   * head: it was most of this detector's cost).
   */
  private inOrder = true;
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
    const ts = t.exchTsMs, price = t.priceTicks, qty = t.qty;
    const times = this.recentTs, prices = this.recentPrice, qtys = this.recentQty;
    const windowMs = this.p.pairWindowMs;
    let h = this.head, n = this.end;
    if (this.inOrder) {
      // The trades older than the window are a prefix (ts - time falls along the window).
      while (h < n && !(ts - times[h]! <= windowMs)) h++;
    } else {
      n = this.compact(ts);
    }
    // The first (oldest) kept trade that pairs with this one: opposite aggressor, same price,
    // same size, not paired yet; the size test (the same for every partner) only once one is found.
    const tolerance = 1e-12 * qty;
    for (let i = h; i < n; i++) {
      if (prices[i] !== price || !(Math.abs(qtys[i]! - qty) <= tolerance)) continue;
      const old = this.recent[i]!;
      if (old.side === t.side || this.paired.has(old)) continue;
      if (this.largeEnough(qty)) {
        this.paired.add(old);
        this.paired.add(t);
        this.pending.push({ first: old, second: t, decreased: [0, 0] });
      }
      break;
    }
    this.sizes.push(qty);
    // In order after this one: an empty window, or a kept window in order and no earlier time.
    this.inOrder = h === n ? ts === ts : this.inOrder && ts >= times[n - 1]!;
    if (h > 0 && (h === n || h >= 1024)) {
      n = this.shiftDown(h, n);
      h = 0;
    }
    this.head = h;
    this.append(n, t);
    this.end = n + 1;
  }

  /** Drops the trades out of the window from anywhere in it (times out of order); returns the new end. */
  private compact(ts: number): number {
    const recent = this.recent, times = this.recentTs, prices = this.recentPrice, qtys = this.recentQty;
    const windowMs = this.p.pairWindowMs;
    let w = this.head, inOrder = true;
    for (let i = this.head, n = this.end; i < n; i++) {
      if (!(ts - times[i]! <= windowMs)) continue;
      if (w !== i) {
        recent[w] = recent[i]!;
        times[w] = times[i]!;
        prices[w] = prices[i]!;
        qtys[w] = qtys[i]!;
      }
      if (!(w === this.head || times[w]! >= times[w - 1]!) || times[w] !== times[w]) inOrder = false;
      w++;
    }
    this.inOrder = inOrder;
    return w;
  }

  /** Moves the window head..n-1 to slot 0 (amortised: at most once per 1024 heads); returns its length. */
  private shiftDown(h: number, n: number): number {
    const recent = this.recent, times = this.recentTs, prices = this.recentPrice, qtys = this.recentQty;
    for (let i = h; i < n; i++) {
      recent[i - h] = recent[i]!;
      times[i - h] = times[i]!;
      prices[i - h] = prices[i]!;
      qtys[i - h] = qtys[i]!;
    }
    return n - h;
  }

  /** Writes `t` at slot n (the slots past the window are reused; the columns grow by doubling). */
  private append(n: number, t: Trade): void {
    if (n === this.recentTs.length) {
      this.recentTs = grown(this.recentTs);
      this.recentPrice = grown(this.recentPrice);
      this.recentQty = grown(this.recentQty);
    }
    if (n === this.recent.length) this.recent.push(t);
    else this.recent[n] = t;
    this.recentTs[n] = t.exchTsMs;
    this.recentPrice[n] = t.priceTicks;
    this.recentQty[n] = t.qty;
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

function grown(column: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const next = new Float64Array(2 * column.length);
  next.set(column);
  return next;
}
