/**
 * Order-lifecycle inference from the L2 stream (pure, one instance per
 * symbol). Each level change of a BookUpdate becomes an inferred event:
 * `added` (the quantity grew), `consumed` (it shrank by what trades printed
 * at that price since shortly before), or `cancelled` (the unexplained rest).
 *
 * Per level we keep one open "episode": the liquidity added on top of what
 * rested there before (the base). Trades eat the queue front first (the
 * base, then the episode); cancels are charged to the episode first, since
 * recently added orders are the ones most often pulled. The episode closes
 * when its liquidity is gone. Episodes that grew large (trackMultiple x the
 * adaptive size reference) are kept: when they close they wait `settleMs`
 * for late trade prints (the trade stream can trail the depth frame) and are
 * then handed to the detectors. Cost: O(level changes) per update.
 *
 * Most level changes of a depth frame are far behind the touch, where no
 * detector looks: beyond the band (bandTicks, widened with volatility) a
 * change only updates the level's quantity and the counts (farChange). A
 * level that drifts back into the band keeps that quantity as its base,
 * with no open episode: no order placed near the touch is involved.
 */
import { ASK, BID, type BookUpdate, type SymbolSpec, type Trade } from "../../src/switchboard.ts";
import type { LifecycleParams } from "./params.ts";
import { EP_ACTIVE, EP_ADDED, EP_REMAINING, EP_START_TS, LAST_CHANGE_TS, LevelTable, PRICE, QTY, TAIL, type Episode } from "./level-table.ts";
import { Ewma, RollingSample } from "./rolling.ts";
import { PendingTrades } from "./pending-trades.ts";

export type { Episode } from "./level-table.ts";

/** Per-update counts of inferred level events (for message-rate detectors). */
export interface UpdateCounts {
  adds: number;
  cancels: number;
  consumed: number;
  /** Cancels per book side [bid, ask]. */
  readonly cancelsBySide: number[];
}

export class Lifecycle {
  /**
   * Levels of both sides by (side, priceTicks mod SLOTS). When two live prices share a row,
   * the one nearer the touch keeps it: the other is far from anything a detector looks at.
   */
  private readonly levels = new LevelTable();
  /** Trade volume not yet explained by a book change, per book side. */
  private readonly pending = new PendingTrades();
  /** Aggressive volume so far: [sell aggressors (hit bids), buy aggressors (lifted asks)]. */
  readonly cumAggressorQty = [0, 0];
  private readonly settling: Episode[] = [];
  /** Closed, settled large episodes released by the last update; the caller drains it. */
  readonly closed: Episode[] = [];
  /** Episodes that became large during the last update (the caller drains it). */
  readonly opened: Episode[] = [];
  readonly counts: UpdateCounts = { adds: 0, cancels: 0, consumed: 0, cancelsBySide: [0, 0] };
  readonly addSizes: RollingSample;
  readonly depthSizes: RollingSample;
  /** |mid change| per volSampleMs, in ticks. */
  readonly midMoves: RollingSample;
  private lastVolSampleTsMs = -Infinity;
  /** Aggressive volume per volSampleMs against each book side [bid, ask] (recent mean). */
  private readonly aggressorRate = [new Ewma(120), new Ewma(120)];
  private readonly lastCumAggressorQty = [0, 0];
  private lastVolMid2 = NaN;
  private lastDepthSampleTsMs = -Infinity;
  /** This update's band (ticks behind the own-side touch). */
  private bandTicks = Infinity;
  bestBidTicks = NaN;
  bestAskTicks = NaN;
  mid2 = NaN;
  nowTsMs = 0;
  private readonly ticksPerUnit: number;

  constructor(readonly spec: SymbolSpec, private readonly params: LifecycleParams) {
    // Re-sorted once per half window: the median moves slowly, and sorting per add would dominate the cost.
    this.addSizes = new RollingSample(params.addWindow, params.addWindow >> 1);
    this.depthSizes = new RollingSample(params.depthWindow);
    this.midMoves = new RollingSample(params.volWindow);
    this.ticksPerUnit = 1 / spec.tickSize;
  }

  /** The adaptive size reference: max(median near-touch add, depthFactor x median near-touch level size). */
  refQty(): number {
    const add = this.addSizes.count > 0 ? this.addSizes.median() : 0;
    const depth = this.depthSizes.count > 0 ? this.params.depthFactor * this.depthSizes.median() : 0;
    return Math.max(add, depth);
  }

  /** The median |mid change| over volSampleMs, in ticks (0 before the first samples). */
  volTicks(): number {
    return this.midMoves.count > 0 ? this.midMoves.median() : 0;
  }

  /** The level's last change time, or -Infinity if never seen. */
  lastChangeTsMs(side: number, priceTicks: number): number {
    const r = LevelTable.at(side, priceTicks);
    return this.levels.f[r + PRICE] === priceTicks ? this.levels.f[r + LAST_CHANGE_TS]! : -Infinity;
  }

  qtyAt(side: number, priceTicks: number): number {
    const r = LevelTable.at(side, priceTicks);
    return this.levels.f[r + PRICE] === priceTicks ? this.levels.f[r + QTY]! : 0;
  }

  onTrade(trade: Trade): void {
    // A buy aggressor lifts asks, a sell aggressor hits bids.
    const side = trade.side === "buy" ? ASK : BID;
    this.cumAggressorQty[side] += trade.qty;
    this.pending.add(side, trade.priceTicks, trade.qty, trade.exchTsMs);
    this.nowTsMs = Math.max(this.nowTsMs, trade.exchTsMs);
    // A late print for a level whose large episode just closed: it was traded, not cancelled.
    for (const ep of this.settling) {
      if (ep.side === side && ep.priceTicks === trade.priceTicks && ep.cancelledQty > 0 && trade.exchTsMs >= ep.startTsMs) {
        const moved = Math.min(ep.cancelledQty, trade.qty);
        ep.cancelledQty -= moved;
        ep.tradedQty += moved;
        ep.levelTradedQty += moved;
        ep.trades.push(trade.priceTicks, trade.qty, trade.exchTsMs);
      }
    }
  }

  onBook(update: BookUpdate): void {
    const ts = update.exchTsMs;
    this.nowTsMs = Math.max(this.nowTsMs, ts);
    this.counts.adds = 0;
    this.counts.cancels = 0;
    this.counts.consumed = 0;
    this.counts.cancelsBySide[0] = 0;
    this.counts.cancelsBySide[1] = 0;
    this.readTouch(update);
    if (update.reset) {
      this.resetBook(update);
      return;
    }
    this.pending.expire(ts - this.params.tradeMatchMs);
    this.bandTicks = Math.max(this.params.bandTicks, this.params.bandVolMultiple * this.volTicks());
    const n = update.levelSide.length;
    // Int32 keys: JSC hashes int32 Map keys far faster than doubles (prices in ticks fit easily).
    for (let i = 0; i < n; i++) this.applyLevel(update.levelSide[i]!, update.levelPriceTicks[i]! | 0, update.levelQty[i]!, ts);
    this.sampleDepth(update, ts);
    this.sampleVol(ts);
    this.releaseSettled(ts);
  }

  /** Releases every settling episode (end of a stream). */
  flush(): void {
    this.advance(Infinity);
  }

  /** The clock reached tsMs with no event: releases the episodes settled by then (nowTsMs stays). */
  advance(tsMs: number): void {
    if (Number.isNaN(tsMs)) throw new Error(`lifecycle advance: tsMs is NaN (symbol=${this.spec.symbol})`);
    this.releaseSettled(tsMs);
  }

  clear(): void {
    this.levels.clear();
    this.pending.clear();
    this.settling.length = 0;
    this.closed.length = 0;
    this.opened.length = 0;
    this.addSizes.clear();
    this.depthSizes.clear();
    this.midMoves.clear();
    for (const r of this.aggressorRate) r.clear();
    this.lastVolSampleTsMs = -Infinity;
    this.lastVolMid2 = NaN;
    this.lastDepthSampleTsMs = -Infinity;
  }

  private applyLevel(side: number, priceTicks: number, qty: number, ts: number): void {
    const r = this.slot(side, priceTicks, qty);
    if (r < 0) return;
    const f = this.levels.f;
    const prev = f[r + QTY]!;
    f[r + QTY] = qty;
    f[r + LAST_CHANGE_TS] = ts;
    const touch = side === BID ? this.bestBidTicks : this.bestAskTicks;
    // Beyond the band (NaN touch: never); a level holding a large episode keeps the full path.
    if ((side === BID ? touch - priceTicks : priceTicks - touch) > this.bandTicks && this.levels.episode[r >> 3] === null) {
      this.farChange(r, side, priceTicks, prev, qty);
      return;
    }
    if (qty > prev) this.added(r, side, priceTicks, qty - prev, ts);
    else if (qty < prev) this.removed(r, side, priceTicks, prev - qty, qty, ts);
  }

  /**
   * A change beyond the band: counted as added, consumed or cancelled as anywhere, but no
   * episode, sample or trade record. A small episode left open there is folded into the base.
   */
  private farChange(r: number, side: number, priceTicks: number, prev: number, qty: number): void {
    this.levels.f[r + EP_ACTIVE] = 0;
    if (qty > prev) {
      this.counts.adds++;
      return;
    }
    if (qty === prev) return;
    const size = prev - qty;
    const traded = this.pending.mayHold(side, priceTicks) ? this.pending.take(side, priceTicks, size, null) : 0;
    if (traded > 0) this.counts.consumed++;
    if (size - traded > 0) {
      this.counts.cancels++;
      this.counts.cancelsBySide[side]!++;
    }
  }

  /** The row (base offset) for this price, claiming it if free or held by a level farther from the touch; -1 if not. */
  private slot(side: number, priceTicks: number, qty: number): number {
    const L = this.levels, f = L.f;
    const r = LevelTable.at(side, priceTicks);
    const held = f[r + PRICE]!;
    if (held === priceTicks) return r;
    if (f[r + QTY]! > 0 || f[r + EP_ACTIVE] !== 0) {
      if (qty <= 0) return -1;
      const touch = side === BID ? this.bestBidTicks : this.bestAskTicks;
      if (!(Math.abs(priceTicks - touch) < Math.abs(held - touch))) return -1;
    }
    L.free(r, priceTicks);
    return r;
  }

  private added(r: number, side: number, priceTicks: number, size: number, ts: number): void {
    const L = this.levels, f = L.f;
    this.counts.adds++;
    const touch = side === BID ? this.bestBidTicks : this.bestAskTicks;
    const dist = Number.isNaN(touch) ? 0 : Math.max(0, side === BID ? touch - priceTicks : priceTicks - touch);
    if (dist <= this.params.nearTicks) this.addSizes.push(size);
    // A small episode is folded into the base when this add is large by itself: one update's large
    // add is one order, sized on its own, and the small flow before it is other orders (merged in,
    // a pulled spoof would leave them behind and its episode would not close). An episode older
    // than episodeMergeMs is folded when it never grew large or when this add is large by itself,
    // so a large add is timed from its own arrival. A folded large episode is dropped: its
    // liquidity was not removed, it just became old.
    const active = f[r + EP_ACTIVE] !== 0;
    const small = L.episode[r >> 3] === null;
    const ref = this.refQty();
    const largeAdd = size >= this.params.trackMultiple * ref;
    const stale = active && ((small && ref > 0 && largeAdd)
      || (ts - f[r + EP_START_TS]! > this.params.episodeMergeMs && (small || largeAdd)));
    if (!active || stale) {
      f[r + EP_ACTIVE] = 1;
      f[r + EP_ADDED] = 0;
      f[r + EP_REMAINING] = 0;
      f[r + TAIL] = 0;
      f[r + EP_START_TS] = ts;
      L.episode[r >> 3] = null;
    }
    if (L.episode[r >> 3] !== null) {
      // A large episode is frozen at the size that made it large: later adds (the level's
      // ordinary flow on a busy touch) queue behind it and must not keep it open after the
      // large order itself is pulled.
      f[r + TAIL] += size;
      return;
    }
    const epAdded = (f[r + EP_ADDED] += size);
    f[r + EP_REMAINING] += size;
    if (ref > 0 && epAdded >= this.params.trackMultiple * ref) {
      const ep: Episode = {
        // Timed from the add that made it large: small flow before it is not the suspicious order.
        side, priceTicks, addedQty: epAdded, tradedQty: 0, cancelledQty: 0, startTsMs: ts, endTsMs: NaN,
        distTicksAtAdd: dist, mid2AtAdd: this.mid2, mid2AtEnd: NaN, distTicksAtEnd: NaN, levelTradedQty: 0, refQty: ref, volTicksAtAdd: this.volTicks(), oppositeQty: 0, oppositeExpectedQty: 0, trades: [], oppositeAtStart: this.cumAggressorQty[1 - side]!,
      };
      L.episode[r >> 3] = ep;
      this.opened.push(ep);
    }
  }

  private removed(r: number, side: number, priceTicks: number, size: number, qtyAfter: number, ts: number): void {
    const L = this.levels, f = L.f;
    const ep = L.episode[r >> 3]!;
    const traded = this.pending.isEmpty(side) ? 0 : this.pending.take(side, priceTicks, size, ep);
    const cancelled = size - traded;
    if (traded > 0) this.counts.consumed++;
    if (cancelled > 0) {
      this.counts.cancels++;
      this.counts.cancelsBySide[side]!++;
    }
    if (f[r + EP_ACTIVE] === 0) return;
    const epRemaining = f[r + EP_REMAINING]!, tailQty = f[r + TAIL]!;
    // Trades eat the queue front: the base (liquidity older than the episode) first, the tail last.
    const base = Math.max(0, f[r + QTY]! + size - epRemaining - tailQty);
    const tradedFromEpisode = Math.min(epRemaining, Math.max(0, traded - base));
    const tradedFromTail = Math.min(tailQty, Math.max(0, traded - base - tradedFromEpisode));
    // Cancels go to the episode first (recent orders are the ones most often pulled), except a
    // cancel the tail can explain while it is small next to the episode (a queued order leaving).
    const tailFirst = tailQty >= cancelled && cancelled < 0.5 * epRemaining;
    const cancelledFromTail = tailFirst ? cancelled : 0;
    const cancelledFromEpisode = Math.min(cancelled - cancelledFromTail, epRemaining - tradedFromEpisode);
    const remaining = (f[r + EP_REMAINING] = epRemaining - (tradedFromEpisode + cancelledFromEpisode));
    f[r + TAIL] = Math.max(0, tailQty - tradedFromTail - cancelledFromTail);
    if (ep !== null) {
      ep.tradedQty += tradedFromEpisode;
      ep.cancelledQty += cancelledFromEpisode;
    }
    // A large episode whose liquidity is nearly all gone is over (small leftovers are other orders).
    const leftover = ep !== null ? this.params.closeFraction * ep.addedQty : 1e-12;
    if (remaining <= leftover || qtyAfter <= 0) this.closeEpisode(r, ts);
  }

  private closeEpisode(r: number, ts: number): void {
    const L = this.levels, f = L.f;
    const ep = L.episode[r >> 3]!;
    f[r + EP_ACTIVE] = 0;
    L.episode[r >> 3] = null;
    f[r + EP_REMAINING] = 0;
    f[r + TAIL] = 0;
    if (ep === null) return;
    ep.endTsMs = ts;
    ep.mid2AtEnd = this.mid2;
    const touch = ep.side === BID ? this.bestBidTicks : this.bestAskTicks;
    ep.distTicksAtEnd = Number.isNaN(touch) ? 0 : Math.max(0, ep.side === BID ? touch - ep.priceTicks : ep.priceTicks - touch);
    ep.oppositeQty = this.cumAggressorQty[1 - ep.side]! - ep.oppositeAtStart;
    ep.oppositeExpectedQty = (this.aggressorRate[1 - ep.side]!.mean * (ts - ep.startTsMs)) / this.params.volSampleMs;
    this.settling.push(ep);
  }

  private releaseSettled(ts: number): void {
    if (this.settling.length === 0) return;
    let w = 0;
    for (const ep of this.settling) {
      if (ts - ep.endTsMs >= this.params.settleMs) this.closed.push(ep);
      else this.settling[w++] = ep;
    }
    this.settling.length = w;
  }

  private readTouch(update: BookUpdate): void {
    const k = this.ticksPerUnit;
    // Top arrays may be empty (hand-built events): keep the last known touch then.
    if (update.topBidPrice.length > 0) this.bestBidTicks = Math.round(update.topBidPrice[0]! * k);
    else if (update.reset) this.bestBidTicks = NaN;
    if (update.topAskPrice.length > 0) this.bestAskTicks = Math.round(update.topAskPrice[0]! * k);
    else if (update.reset) this.bestAskTicks = NaN;
    this.mid2 = this.bestBidTicks + this.bestAskTicks;
  }

  private sampleVol(ts: number): void {
    if (ts - this.lastVolSampleTsMs < this.params.volSampleMs || Number.isNaN(this.mid2)) return;
    if (!Number.isNaN(this.lastVolMid2)) {
      this.midMoves.push(Math.abs(this.mid2 - this.lastVolMid2) / 2);
      // Per sample period (book frames come every 100 ms or so, so the periods are nearly equal).
      for (let side = 0; side < 2; side++) this.aggressorRate[side]!.push(this.cumAggressorQty[side]! - this.lastCumAggressorQty[side]!);
    }
    this.lastCumAggressorQty[0] = this.cumAggressorQty[0]!;
    this.lastCumAggressorQty[1] = this.cumAggressorQty[1]!;
    this.lastVolSampleTsMs = ts;
    this.lastVolMid2 = this.mid2;
  }

  private sampleDepth(update: BookUpdate, ts: number): void {
    if (ts - this.lastDepthSampleTsMs < this.params.depthSampleMs) return;
    const n = this.params.depthLevels;
    const bids = update.topBidQty, asks = update.topAskQty;
    const mb = Math.min(n, bids.length), ma = Math.min(n, asks.length);
    let sum = 0;
    for (let i = 0; i < mb; i++) sum += bids[i]!;
    for (let i = 0; i < ma; i++) sum += asks[i]!;
    const count = mb + ma;
    if (count === 0) return;
    this.lastDepthSampleTsMs = ts;
    this.depthSizes.push(sum / count);
  }

  private resetBook(update: BookUpdate): void {
    this.levels.clear();
    this.settling.length = 0;
    const n = update.levelSide.length;
    for (let i = 0; i < n; i++) {
      if (update.levelQty[i]! <= 0) continue;
      const r = this.slot(update.levelSide[i]!, update.levelPriceTicks[i]! | 0, update.levelQty[i]!);
      if (r < 0) continue;
      this.levels.f[r + QTY] = update.levelQty[i]!;
      this.levels.f[r + LAST_CHANGE_TS] = update.exchTsMs;
    }
    this.sampleDepth(update, update.exchTsMs);
  }
}
