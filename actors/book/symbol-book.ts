/**
 * Keeps one symbol's local book exactly in sync with Binance, following
 * "How to manage a local order book correctly" for USDT-M futures:
 * buffer diffs until a REST snapshot arrives, drop diffs with
 * u < lastUpdateId, require the first applied diff to straddle the snapshot
 * (U <= lastUpdateId <= u, or pu == lastUpdateId), then require every diff's
 * `pu` to equal the previous `u`. Any break is a gap: the last good book is
 * kept (flagged stale), diffs are buffered, and a new snapshot is requested.
 *
 * Pure: the caller supplies frames and collects the emitted events.
 */
import { ASK, BID, type BookUpdate, type GapFact, type GapReason, type MarketEvent, type SymbolSpec, TOP_LEVELS } from "../../src/switchboard.ts";
import type { DepthDiffMsg, Levels, SnapshotMsg, TradeMsg } from "./binance-decode.ts";
import { OrderBook } from "./order-book.ts";
import { ticksPerUnit } from "../../src/symbols.ts";

export type SyncState = "awaiting_snapshot" | "live" | "resyncing";

/** Diffs kept while waiting for a snapshot; beyond it the oldest are dropped and a fresh snapshot is needed anyway. */
const MAX_BUFFERED_DIFFS = 20_000;

export class SymbolBook {
  readonly book = new OrderBook();
  state: SyncState = "awaiting_snapshot";
  lastUpdateId = -1;
  /** Set after a snapshot until the first diff straddling it is applied. */
  private snapshotId = -1;
  private buffer: DepthDiffMsg[] = [];
  private readonly ticksPerUnit: number;
  private previousQty = new Float64Array(64);
  /** The gap being resynced, if any. */
  private openGap: GapFact | null = null;
  counts = { applied: 0, stale: 0, duplicates: 0, gaps: 0, invalid: 0 };

  constructor(
    readonly spec: SymbolSpec,
    /** Called when a (new) REST snapshot is needed. */
    private readonly requestSnapshot: () => void,
    /** Gap facts: one when a gap starts, one when it is recovered. */
    private readonly onGap: (fact: GapFact) => void = () => {},
  ) {
    this.ticksPerUnit = ticksPerUnit(spec.tickSize);
  }

  get stale(): boolean {
    return this.state !== "live";
  }

  onDiff(msg: DepthDiffMsg, localTsMs: number, out: MarketEvent[]): void {
    if (this.state !== "live") {
      this.bufferDiff(msg);
      return;
    }
    if (msg.finalUpdateId <= this.lastUpdateId) {
      this.counts.duplicates++;
      return;
    }
    if (this.snapshotId >= 0 ? !straddles(msg, this.snapshotId) : msg.prevFinalUpdateId !== this.lastUpdateId) {
      this.startResync(msg, this.snapshotId >= 0 ? "snapshot_too_old" : "pu_mismatch", localTsMs, out);
      this.bufferDiff(msg);
      return;
    }
    this.applyDiff(msg, localTsMs, out);
  }

  onSnapshot(msg: SnapshotMsg, localTsMs: number, out: MarketEvent[]): void {
    const lastUpdateId = msg.lastUpdateId;
    const pending = this.buffer.filter((diff) => diff.finalUpdateId >= lastUpdateId);
    if (pending.length > 0 && !straddles(pending[0]!, lastUpdateId)) {
      // The snapshot predates the oldest buffered diff: ids in between are unknown. Ask again.
      this.buffer = pending;
      this.reportGap("snapshot_too_old", lastUpdateId, pending[0]!, localTsMs);
      return;
    }
    const update = this.newUpdate(msg.exchTsMs, localTsMs, lastUpdateId, true, msg.levels.prices.length);
    if (!this.parseLevels(msg.levels, update)) {
      this.counts.invalid++;
      this.requestSnapshot();
      return;
    }
    this.book.clear();
    this.applyLevels(update);
    this.buffer = [];
    this.state = "live";
    this.lastUpdateId = lastUpdateId;
    this.snapshotId = lastUpdateId;
    this.fillTop(update);
    update.spec = this.spec;
    out.push(update);
    for (const diff of pending) this.onDiff(diff, localTsMs, out);
    if (this.openGap && this.state === "live") {
      this.onGap({
        ...this.openGap,
        phase: "recovered",
        localTsMs,
        recoveredU: lastUpdateId,
        staleMs: Math.max(0, localTsMs - this.openGap.localTsMs),
      });
      this.openGap = null;
    }
  }

  /** Converts a trade for analytics; trades pass through in any sync state. */
  trade(msg: TradeMsg, localTsMs: number): MarketEvent {
    const priceTicks = Math.round(msg.price * this.ticksPerUnit);
    return {
      kind: "trade",
      symbol: this.spec.symbol,
      exchTsMs: msg.exchTsMs,
      localTsMs,
      tradeId: msg.tradeId,
      priceTicks,
      price: priceTicks / this.ticksPerUnit,
      qty: msg.qty,
      side: msg.buyerIsMaker ? "sell" : "buy",
    };
  }

  private applyDiff(msg: DepthDiffMsg, localTsMs: number, out: MarketEvent[]): void {
    const update = this.newUpdate(msg.exchTsMs, localTsMs, msg.finalUpdateId, false, msg.levels.prices.length);
    // Validate the whole frame before touching the book: a bad frame must not leave it half-applied.
    if (!this.parseLevels(msg.levels, update)) {
      this.counts.invalid++;
      this.startResync(msg, "invalid_levels", localTsMs, out);
      return;
    }
    const previousQty = this.applyLevels(update);
    if (this.book.isCrossed) {
      // The exchange never sends a crossed book: undo the frame so the last good book is what stays served.
      this.undoLevels(update, previousQty);
      this.startResync(msg, "crossed_book", localTsMs, out);
      return;
    }
    this.lastUpdateId = msg.finalUpdateId;
    this.snapshotId = -1;
    this.counts.applied++;
    this.fillTop(update);
    out.push(update);
  }

  /** Leaves live: the last good book is published once more, flagged stale, and a new snapshot is asked for. */
  private startResync(msg: DepthDiffMsg, reason: GapReason, localTsMs: number, out: MarketEvent[]): void {
    const wasLive = this.state === "live";
    this.state = "resyncing";
    this.reportGap(reason, this.lastUpdateId, msg, localTsMs);
    if (wasLive) {
      const marker = this.newUpdate(msg.exchTsMs, localTsMs, this.lastUpdateId, false, 0);
      this.fillTop(marker);
      out.push(marker);
    }
  }

  private reportGap(reason: GapReason, expectedPu: number, msg: DepthDiffMsg, localTsMs: number): void {
    this.counts.gaps++;
    // A gap that opens while another is being resynced extends it: one stale period, one recovery.
    if (!this.openGap) {
      this.openGap = {
        kind: "gap",
        symbol: this.spec.symbol,
        phase: "started",
        reason,
        expectedPu,
        gotPu: msg.prevFinalUpdateId,
        u: msg.finalUpdateId,
        exchTsMs: msg.exchTsMs,
        localTsMs,
        recoveredU: null,
        staleMs: null,
      };
      this.onGap(this.openGap);
    }
    this.requestSnapshot();
  }

  private bufferDiff(msg: DepthDiffMsg): void {
    this.counts.stale++;
    this.buffer.push(msg);
    if (this.buffer.length > MAX_BUFFERED_DIFFS) {
      this.buffer.splice(0, this.buffer.length - MAX_BUFFERED_DIFFS);
    }
  }

  private newUpdate(exchTsMs: number, localTsMs: number, u: number, reset: boolean, levelCount: number): MutableBookUpdate {
    // Separate arrays, not views of one buffer: a typed-array view costs more to make than a small array.
    return {
      kind: "book",
      symbol: this.spec.symbol,
      exchTsMs,
      localTsMs,
      u,
      reset,
      stale: false,
      levelSide: new Uint8Array(levelCount),
      levelPriceTicks: new Float64Array(levelCount),
      levelQty: new Float64Array(levelCount),
      topBidPrice: EMPTY,
      topBidQty: EMPTY,
      topAskPrice: EMPTY,
      topAskQty: EMPTY,
    };
  }

  /** Converts levels to ticks into `update`; false when any level is not a positive price with a non-negative quantity. */
  private parseLevels(levels: Levels, update: MutableBookUpdate): boolean {
    const { prices, quantities, bidCount } = levels;
    const ticksPerUnit = this.ticksPerUnit;
    for (let i = 0; i < prices.length; i++) {
      const price = prices[i]!;
      const qty = quantities[i]!;
      if (!(price > 0 && price < Number.POSITIVE_INFINITY && qty >= 0 && qty < Number.POSITIVE_INFINITY)) return false;
      update.levelSide[i] = i < bidCount ? BID : ASK;
      update.levelPriceTicks[i] = Math.round(price * ticksPerUnit);
      update.levelQty[i] = qty;
    }
    return true;
  }

  /** Applies the update's levels; returns each level's previous quantity (a scratch buffer), for undo. */
  private applyLevels(update: MutableBookUpdate): Float64Array {
    const { levelSide, levelPriceTicks, levelQty } = update;
    if (this.previousQty.length < levelSide.length) this.previousQty = new Float64Array(levelSide.length * 2);
    const previous = this.previousQty;
    for (let i = 0; i < levelSide.length; i++) previous[i] = this.book.apply(levelSide[i]!, levelPriceTicks[i]!, levelQty[i]!);
    return previous;
  }

  private undoLevels(update: MutableBookUpdate, previousQty: Float64Array): void {
    const { levelSide, levelPriceTicks } = update;
    for (let i = levelSide.length - 1; i >= 0; i--) this.book.apply(levelSide[i]!, levelPriceTicks[i]!, previousQty[i]!);
  }

  private fillTop(update: MutableBookUpdate): void {
    const { bids, asks } = this.book;
    const bidCount = Math.min(TOP_LEVELS, bids.count);
    const askCount = Math.min(TOP_LEVELS, asks.count);
    const topBidPrice = new Float64Array(bidCount);
    const topBidQty = new Float64Array(bidCount);
    const topAskPrice = new Float64Array(askCount);
    const topAskQty = new Float64Array(askCount);
    const ticksPerUnit = this.ticksPerUnit;
    for (let i = 0; i < bidCount; i++) {
      topBidPrice[i] = bids.priceTicksAt(i) / ticksPerUnit;
      topBidQty[i] = bids.qtyAtLevel(i);
    }
    for (let i = 0; i < askCount; i++) {
      topAskPrice[i] = asks.priceTicksAt(i) / ticksPerUnit;
      topAskQty[i] = asks.qtyAtLevel(i);
    }
    update.topBidPrice = topBidPrice;
    update.topBidQty = topBidQty;
    update.topAskPrice = topAskPrice;
    update.topAskQty = topAskQty;
    update.stale = this.stale;
  }
}

type MutableBookUpdate = { -readonly [K in keyof BookUpdate]: BookUpdate[K] };

const EMPTY = new Float64Array(0);

function straddles(diff: DepthDiffMsg, lastUpdateId: number): boolean {
  return (diff.firstUpdateId <= lastUpdateId && lastUpdateId <= diff.finalUpdateId) || diff.prevFinalUpdateId === lastUpdateId;
}
