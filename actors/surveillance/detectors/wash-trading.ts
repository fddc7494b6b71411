/**
 * Wash-trade indicators from the raw trade stream: two prints of identical
 * price and size with opposite aggressors within pairWindowMs, and no book
 * change at that price in the depth frame that covers them (a genuine
 * trade consumes displayed liquidity; a self-cross placed and hit inside
 * one frame leaves the book as it was). One alert per pair; its score grows
 * with how often the pattern repeated at that size within repeatWindowMs,
 * so a lone coincidence stays below 50.
 */
import type { Alert } from "../alert.ts";
import type { BookUpdate, Trade } from "../../../src/switchboard.ts";
import type { WashTradingParams } from "../params.ts";
import { RollingSample } from "../rolling.ts";
import { clamp01, makeAlert, round } from "./make-alert.ts";

interface Pair {
  readonly first: Trade;
  readonly second: Trade;
}

export class WashTradingDetector {
  private recent: Trade[] = [];
  private readonly paired = new WeakSet<Trade>();
  private pending: Pair[] = [];
  /** Confirmed pairs: flat [tsMs, qty]. */
  private confirmed: number[] = [];
  private readonly sizes: RollingSample;

  constructor(private readonly symbol: string, private readonly p: WashTradingParams) {
    this.sizes = new RollingSample(p.tradeWindow);
  }

  onTrade(t: Trade): void {
    const p = this.p;
    let w = 0;
    for (const old of this.recent) if (t.exchTsMs - old.exchTsMs <= p.pairWindowMs) this.recent[w++] = old;
    this.recent.length = w;
    const median = this.sizes.count > 0 ? this.sizes.median() : 0;
    this.sizes.push(t.qty);
    if (t.qty >= p.minSizeMultiple * median) {
      for (const old of this.recent) {
        if (old.side !== t.side && old.priceTicks === t.priceTicks && Math.abs(old.qty - t.qty) <= 1e-12 * t.qty && !this.paired.has(old)) {
          this.paired.add(old);
          this.paired.add(t);
          this.pending.push({ first: old, second: t });
          break;
        }
      }
    }
    this.recent.push(t);
  }

  /** `lastChange(side, priceTicks)`: when the level last changed before this update. */
  onBook(update: BookUpdate, lastChange: (side: number, priceTicks: number) => number): Alert[] {
    if (this.pending.length === 0) return [];
    const out: Alert[] = [];
    let w = 0;
    for (const pair of this.pending) {
      // Judge a pair on the first frame that covers its second print.
      if (update.exchTsMs < pair.second.exchTsMs) {
        this.pending[w++] = pair;
        continue;
      }
      const price = pair.first.priceTicks;
      let changed = lastChange(0, price) >= pair.first.exchTsMs || lastChange(1, price) >= pair.first.exchTsMs;
      for (let i = 0; i < update.levelPriceTicks.length && !changed; i++) if (update.levelPriceTicks[i] === price) changed = true;
      if (!changed) out.push(this.confirm(pair));
    }
    this.pending.length = w;
    return out;
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
