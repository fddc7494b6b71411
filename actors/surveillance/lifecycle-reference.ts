/**
 * The straightforward reference for lifecycle.ts (tests only): the same
 * inference with one object per level and a rolling sample that re-sorts its
 * whole window on refresh. The optimised Lifecycle must produce exactly what
 * this does (lifecycle-reference.test.ts); change both together.
 */
import { ASK, BID, type BookUpdate, type SymbolSpec, type Trade } from "../../src/switchboard.ts";
import type { LifecycleParams } from "./params.ts";
import type { Episode, UpdateCounts } from "./lifecycle.ts";
import { Ewma } from "./rolling.ts";
import { ReferenceRollingSample as RollingSample } from "./rolling-reference.ts";

class Level {
  priceTicks = NaN;
  qty = 0;
  lastChangeTsMs = 0;
  epRemaining = 0;
  /** Added at this level after its episode became large: other orders queued behind it. */
  tailQty = 0;
  episode: Episode | null = null;
  epAdded = 0;
  epStartTsMs = 0;
  epActive = false;
}

export class ReferenceLifecycle {
  /**
   * Levels per side in a direct-mapped table indexed by priceTicks mod SLOTS (a Map costs
   * ~50 ns a lookup, this a few). Two live prices share a slot only when SLOTS ticks apart;
   * the one nearer the touch keeps it, the other is far from anything a detector looks at.
   */
  private readonly levels = [makeSlots(), makeSlots()];
  /** Unexplained trade volume per book side: flat [priceTicks, qty, tsMs] triples. */
  private readonly pendingTrades: number[][] = [[], []];
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
  /** This update's band (ticks behind the own-side touch): changes beyond it only update the quantity and counts. */
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
    const level = this.levels[side]![priceTicks & SLOT_MASK]!;
    return level.priceTicks === priceTicks ? level.lastChangeTsMs : -Infinity;
  }

  qtyAt(side: number, priceTicks: number): number {
    const level = this.levels[side]![priceTicks & SLOT_MASK]!;
    return level.priceTicks === priceTicks ? level.qty : 0;
  }

  onTrade(trade: Trade): void {
    // A buy aggressor lifts asks, a sell aggressor hits bids.
    const side = trade.side === "buy" ? ASK : BID;
    this.cumAggressorQty[side] += trade.qty;
    const pending = this.pendingTrades[side]!;
    pending.push(trade.priceTicks, trade.qty, trade.exchTsMs);
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
    this.expireTrades(ts);
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
    this.releaseSettled(Infinity);
  }

  clear(): void {
    for (const slots of this.levels) for (const level of slots) freeLevel(level, NaN);
    this.pendingTrades[0]!.length = 0;
    this.pendingTrades[1]!.length = 0;
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
    const level = this.slot(side, priceTicks, qty);
    if (level === null) return;
    const prev = level.qty;
    level.qty = qty;
    level.lastChangeTsMs = ts;
    const touch = side === BID ? this.bestBidTicks : this.bestAskTicks;
    const behind = side === BID ? touch - priceTicks : priceTicks - touch;
    if (behind > this.bandTicks && level.episode === null) {
      // Beyond the band: counted, nothing else; a small episode left open there joins the base.
      level.epActive = false;
      if (qty > prev) this.counts.adds++;
      else if (qty < prev) {
        const traded = this.takeTrades(side, priceTicks, prev - qty, null);
        if (traded > 0) this.counts.consumed++;
        if (prev - qty - traded > 0) {
          this.counts.cancels++;
          this.counts.cancelsBySide[side]!++;
        }
      }
      return;
    }
    if (qty > prev) this.added(level, side, priceTicks, qty - prev, ts);
    else if (qty < prev) this.removed(level, side, priceTicks, prev - qty, qty, ts);
  }

  /** The level for this price, claiming its slot if free or held by a level farther from the touch. */
  private slot(side: number, priceTicks: number, qty: number): Level | null {
    const level = this.levels[side]![priceTicks & SLOT_MASK]!;
    if (level.priceTicks === priceTicks) return level;
    if (level.qty > 0 || level.epActive) {
      if (qty <= 0) return null;
      const touch = side === BID ? this.bestBidTicks : this.bestAskTicks;
      if (!(Math.abs(priceTicks - touch) < Math.abs(level.priceTicks - touch))) return null;
    }
    freeLevel(level, priceTicks);
    return level;
  }

  private added(level: Level, side: number, priceTicks: number, size: number, ts: number): void {
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
    const small = level.episode === null;
    const ref = this.refQty();
    const largeAdd = size >= this.params.trackMultiple * ref;
    const stale = level.epActive && ((small && ref > 0 && largeAdd)
      || (ts - level.epStartTsMs > this.params.episodeMergeMs && (small || largeAdd)));
    if (!level.epActive || stale) {
      level.epActive = true;
      level.epAdded = 0;
      level.epRemaining = 0;
      level.tailQty = 0;
      level.epStartTsMs = ts;
      level.episode = null;
    }
    if (level.episode !== null) {
      // A large episode is frozen at the size that made it large: later adds (the level's
      // ordinary flow on a busy touch) queue behind it and must not keep it open after the
      // large order itself is pulled.
      level.tailQty += size;
      return;
    }
    level.epAdded += size;
    level.epRemaining += size;
    if (ref > 0 && level.epAdded >= this.params.trackMultiple * ref) {
      level.episode = {
        // Timed from the add that made it large: small flow before it is not the suspicious order.
        side, priceTicks, addedQty: level.epAdded, tradedQty: 0, cancelledQty: 0, startTsMs: ts, endTsMs: NaN,
        distTicksAtAdd: dist, mid2AtAdd: this.mid2, mid2AtEnd: NaN, distTicksAtEnd: NaN, levelTradedQty: 0, refQty: ref, volTicksAtAdd: this.volTicks(), oppositeQty: 0, oppositeExpectedQty: 0, trades: [], oppositeAtStart: this.cumAggressorQty[1 - side]!,
      };
      this.opened.push(level.episode);
    }
  }

  private removed(level: Level, side: number, priceTicks: number, size: number, qtyAfter: number, ts: number): void {
    const traded = this.takeTrades(side, priceTicks, size, level.episode);
    const cancelled = size - traded;
    if (traded > 0) this.counts.consumed++;
    if (cancelled > 0) {
      this.counts.cancels++;
      this.counts.cancelsBySide[side]!++;
    }
    if (!level.epActive) return;
    // Trades eat the queue front: the base (liquidity older than the episode) first, the tail last.
    const base = Math.max(0, level.qty + size - level.epRemaining - level.tailQty);
    const tradedFromEpisode = Math.min(level.epRemaining, Math.max(0, traded - base));
    const tradedFromTail = Math.min(level.tailQty, Math.max(0, traded - base - tradedFromEpisode));
    // Cancels go to the episode first (recent orders are the ones most often pulled), except a
    // cancel the tail can explain while it is small next to the episode (a queued order leaving).
    const tailFirst = level.tailQty >= cancelled && cancelled < 0.5 * level.epRemaining;
    const cancelledFromTail = tailFirst ? cancelled : 0;
    const cancelledFromEpisode = Math.min(cancelled - cancelledFromTail, level.epRemaining - tradedFromEpisode);
    level.epRemaining -= tradedFromEpisode + cancelledFromEpisode;
    level.tailQty = Math.max(0, level.tailQty - tradedFromTail - cancelledFromTail);
    const ep = level.episode;
    if (ep !== null) {
      ep.tradedQty += tradedFromEpisode;
      ep.cancelledQty += cancelledFromEpisode;
    }
    // A large episode whose liquidity is nearly all gone is over (small leftovers are other orders).
    const leftover = ep !== null ? this.params.closeFraction * ep.addedQty : 1e-12;
    if (level.epRemaining <= leftover || qtyAfter <= 0) this.closeEpisode(level, ts);
  }

  private closeEpisode(level: Level, ts: number): void {
    const ep = level.episode;
    level.epActive = false;
    level.episode = null;
    level.epRemaining = 0;
    level.tailQty = 0;
    if (ep === null) return;
    ep.endTsMs = ts;
    ep.mid2AtEnd = this.mid2;
    const touch = ep.side === BID ? this.bestBidTicks : this.bestAskTicks;
    ep.distTicksAtEnd = Number.isNaN(touch) ? 0 : Math.max(0, ep.side === BID ? touch - ep.priceTicks : ep.priceTicks - touch);
    ep.oppositeQty = this.cumAggressorQty[1 - ep.side]! - ep.oppositeAtStart;
    ep.oppositeExpectedQty = (this.aggressorRate[1 - ep.side]!.mean * (ts - ep.startTsMs)) / this.params.volSampleMs;
    this.settling.push(ep);
  }

  /** Takes up to `size` of the unexplained trade volume printed at this price; returns how much. */
  private takeTrades(side: number, priceTicks: number, size: number, ep: Episode | null): number {
    const pending = this.pendingTrades[side]!;
    let taken = 0;
    for (let i = 0; i < pending.length && taken < size; i += 3) {
      if (pending[i] !== priceTicks || pending[i + 1]! <= 0) continue;
      const take = Math.min(pending[i + 1]!, size - taken);
      pending[i + 1]! -= take;
      taken += take;
      if (ep !== null) {
        ep.trades.push(priceTicks, take, pending[i + 2]!);
        ep.levelTradedQty += take;
      }
    }
    return taken;
  }

  private expireTrades(ts: number): void {
    const horizon = ts - this.params.tradeMatchMs;
    for (const pending of this.pendingTrades) {
      let w = 0;
      for (let r = 0; r < pending.length; r += 3) {
        if (pending[r + 1]! <= 1e-12 || pending[r + 2]! < horizon) continue;
        if (w !== r) {
          pending[w] = pending[r]!;
          pending[w + 1] = pending[r + 1]!;
          pending[w + 2] = pending[r + 2]!;
        }
        w += 3;
      }
      pending.length = w;
    }
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
    let sum = 0, count = 0;
    for (const arr of [update.topBidQty, update.topAskQty]) {
      const m = Math.min(n, arr.length);
      for (let i = 0; i < m; i++) sum += arr[i]!;
      count += m;
    }
    if (count === 0) return;
    this.lastDepthSampleTsMs = ts;
    this.depthSizes.push(sum / count);
  }

  private resetBook(update: BookUpdate): void {
    for (const slots of this.levels) for (const level of slots) freeLevel(level, NaN);
    this.settling.length = 0;
    const n = update.levelSide.length;
    for (let i = 0; i < n; i++) {
      if (update.levelQty[i]! <= 0) continue;
      const level = this.slot(update.levelSide[i]!, update.levelPriceTicks[i]! | 0, update.levelQty[i]!);
      if (level === null) continue;
      level.qty = update.levelQty[i]!;
      level.lastChangeTsMs = update.exchTsMs;
    }
    this.sampleDepth(update, update.exchTsMs);
  }
}

const SLOTS = 1 << 12;
const SLOT_MASK = SLOTS - 1;

function makeSlots(): Level[] {
  return Array.from({ length: SLOTS }, () => new Level());
}

function freeLevel(level: Level, priceTicks: number): void {
  level.priceTicks = priceTicks;
  level.qty = 0;
  level.lastChangeTsMs = -Infinity;
  level.epActive = false;
  level.episode = null;
  level.epRemaining = 0;
  level.epAdded = 0;
  level.tailQty = 0;
}
