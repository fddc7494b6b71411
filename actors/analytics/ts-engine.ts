/**
 * The reference feature engine in plain TypeScript (no FFI): the same
 * features as libgenesis, computed with the same floating-point operations in
 * the same order, so the two agree to the bit. It is both the fallback when
 * no C++ toolchain is present and the oracle of the native parity tests.
 *
 * Per book event: apply the level changes to the OrderBook (counting
 * cancels), write the book features, OFI and the mid return, then advance
 * the rolling windows and write the window features.
 */
import { OrderBook } from "../book/order-book.ts";
import { ASK, BID, type BookUpdate, type FeatureRow, type MarketEvent, type SymbolSpec, type Trade } from "../../src/switchboard.ts";
import { lotsOf, Scale, writeBookFeatures, type BookContext } from "./book-features.ts";
import { DEFAULT_NOTIONAL_USD, FeatureEngineError, isIntegerTicks, MAX_LOTS, type FeatureEngine, type FeatureEngineOptions } from "./engine-types.ts";
import { FEATURE_COUNT, FEATURE_INDEX as F, MLOFI_LEVELS } from "./feature-names.ts";
import { RollingWindow } from "./rolling-window.ts";

export class TsFeatureEngine implements FeatureEngine {
  readonly kind = "ts" as const;
  readonly ffiNs = 0;
  private readonly book = new OrderBook();
  private readonly ctx: BookContext;
  private disposed = false;

  private clockMs = -Infinity;
  private prevMidTicks = NaN;
  private hasPrev = false;
  private readonly prevCount = [0, 0];
  private readonly prevPrice = [new Float64Array(MLOFI_LEVELS), new Float64Array(MLOFI_LEVELS)];
  private readonly prevLots = [new Float64Array(MLOFI_LEVELS), new Float64Array(MLOFI_LEVELS)];

  // Trades since the last book event, aggregated by (resting side, price), for cancel detection.
  private pendingCount = 0;
  private pendingSide = new Int8Array(16);
  private pendingPrice = new Float64Array(16);
  private pendingLots = new Float64Array(16);

  private cancels = 0;
  private cancelLots = 0;
  private ofiLots = 0;
  private returnSq = 0;
  private hasReturn = 0;

  private readonly book1s = new RollingWindow(1000, 1); // ofi lots
  private readonly book10s = new RollingWindow(10000, 6); // ofi lots, updates, cancels, cancel lots, return^2, returns
  private readonly book60s = new RollingWindow(60000, 2); // return^2, returns
  private readonly trade1s = new RollingWindow(1000, 4); // buy lots, sell lots, ticks*lots, trades
  private readonly trade10s = new RollingWindow(10000, 4);
  private readonly scratch = new Float64Array(6);

  constructor(
    readonly spec: SymbolSpec,
    options: FeatureEngineOptions = {},
  ) {
    const notional = options.notionalUsd ?? DEFAULT_NOTIONAL_USD;
    if (!(spec.tickSize > 0 && Number.isFinite(spec.tickSize)) || !(spec.lotSize > 0 && Number.isFinite(spec.lotSize)) || !(notional > 0 && Number.isFinite(notional))) {
      throw new FeatureEngineError("invalid", `invalid engine parameters: symbol=${spec.symbol}, tickSize=${spec.tickSize}, lotSize=${spec.lotSize}, notionalUsd=${notional}`);
    }
    this.ctx = { price: new Scale(spec.tickSize), qty: new Scale(spec.lotSize), lotSize: spec.lotSize, notionalQuote: notional };
  }

  process(events: readonly MarketEvent[]): FeatureRow[] {
    if (this.disposed) throw new FeatureEngineError("disposed", `ts feature engine used after dispose: symbol=${this.spec.symbol}`);
    validateEvents(events, this.spec.lotSize);
    const rows: FeatureRow[] = [];
    for (const event of events) {
      if (event.kind === "trade") {
        this.onTrade(event);
      } else {
        const values = new Float64Array(FEATURE_COUNT);
        this.onBook(event, values);
        rows.push({ kind: "features", symbol: event.symbol, exchTsMs: event.exchTsMs, localTsMs: event.localTsMs, values });
      }
    }
    return rows;
  }

  reset(): void {
    this.book.clear();
    this.clockMs = -Infinity;
    this.prevMidTicks = NaN;
    this.hasPrev = false;
    this.prevCount[0] = this.prevCount[1] = 0;
    this.pendingCount = 0;
    for (const w of [this.book1s, this.book10s, this.book60s, this.trade1s, this.trade10s]) w.clear();
  }

  dispose(): void {
    this.disposed = true;
  }

  private advanceClock(tsMs: number): void {
    if (tsMs > this.clockMs) this.clockMs = tsMs;
  }

  private onTrade(trade: Trade): void {
    this.advanceClock(trade.exchTsMs);
    this.trade1s.evict(this.clockMs);
    this.trade10s.evict(this.clockMs);
    const lots = lotsOf(trade.qty, this.spec.lotSize);
    const buy = trade.side === "buy";
    const v = this.scratch;
    v[0] = buy ? lots : 0;
    v[1] = buy ? 0 : lots;
    v[2] = trade.priceTicks * lots;
    v[3] = 1;
    this.trade1s.push(trade.exchTsMs, v);
    this.trade10s.push(trade.exchTsMs, v);
    // A buy aggressor consumes asks, a sell aggressor bids.
    const resting = buy ? ASK : BID;
    for (let i = 0; i < this.pendingCount; i++) {
      if (this.pendingSide[i] === resting && this.pendingPrice[i] === trade.priceTicks) {
        this.pendingLots[i] += lots;
        return;
      }
    }
    if (this.pendingCount === this.pendingSide.length) this.growPending();
    this.pendingSide[this.pendingCount] = resting;
    this.pendingPrice[this.pendingCount] = trade.priceTicks;
    this.pendingLots[this.pendingCount] = lots;
    this.pendingCount++;
  }

  private applyLevel(reset: boolean, side: number, priceTicks: number, qty: number): void {
    const newLots = qty > 0 ? lotsOf(qty, this.spec.lotSize) : 0;
    const prevLots = lotsOf(this.book.apply(side, priceTicks, qty), this.spec.lotSize);
    if (reset || newLots >= prevLots) return;
    // A decrease is a cancel unless trades at this price since the last book event explain it.
    let unexplained = prevLots - newLots;
    for (let i = 0; i < this.pendingCount; i++) {
      if (this.pendingSide[i] === side && this.pendingPrice[i] === priceTicks) {
        const take = Math.min(unexplained, this.pendingLots[i]!);
        this.pendingLots[i] -= take;
        unexplained -= take;
        break;
      }
    }
    if (unexplained > 0) {
      this.cancels += 1;
      this.cancelLots += unexplained;
    }
  }

  private onBook(update: BookUpdate, row: Float64Array): void {
    this.advanceClock(update.exchTsMs);
    this.cancels = 0;
    this.cancelLots = 0;
    if (update.reset) {
      this.book.clear();
      this.pendingCount = 0;
    }
    const { levelSide, levelPriceTicks, levelQty } = update;
    for (let i = 0; i < levelSide.length; i++) this.applyLevel(update.reset, levelSide[i]!, levelPriceTicks[i]!, levelQty[i]!);
    this.pendingCount = 0;

    writeBookFeatures(this.book, this.ctx, row);
    this.writeFlowFeatures(update.reset, row);

    const now = this.clockMs;
    this.book1s.evict(now);
    this.book10s.evict(now);
    this.book60s.evict(now);
    this.trade1s.evict(now);
    this.trade10s.evict(now);
    const v = this.scratch;
    v[0] = this.ofiLots;
    this.book1s.push(update.exchTsMs, v);
    v[1] = 1;
    v[2] = this.cancels;
    v[3] = this.cancelLots;
    v[4] = this.returnSq;
    v[5] = this.hasReturn;
    this.book10s.push(update.exchTsMs, v);
    v[0] = this.returnSq;
    v[1] = this.hasReturn;
    this.book60s.push(update.exchTsMs, v);
    this.writeWindowFeatures(row);
    this.rememberTop();
  }

  /** Xu-Gould-Howison multi-level OFI (level 1 is Cont-Kukanov-Stoikov OFI) and the mid log-return. */
  private writeFlowFeatures(reset: boolean, row: Float64Array): void {
    const { bids, asks } = this.book;
    const lot = this.spec.lotSize;
    const nb = Math.min(bids.count, MLOFI_LEVELS);
    const na = Math.min(asks.count, MLOFI_LEVELS);
    for (let m = 0; m < MLOFI_LEVELS; m++) {
      const defined = !reset && this.hasPrev && this.prevCount[0]! > m && this.prevCount[1]! > m && nb > m && na > m;
      let e = NaN;
      if (defined) {
        const pb0 = this.prevPrice[0]![m]!, pb1 = bids.priceTicks[m]!;
        const pa0 = this.prevPrice[1]![m]!, pa1 = asks.priceTicks[m]!;
        const qb0 = this.prevLots[0]![m]!, qb1 = lotsOf(bids.qty[m]!, lot);
        const qa0 = this.prevLots[1]![m]!, qa1 = lotsOf(asks.qty[m]!, lot);
        e = (pb1 >= pb0 ? qb1 : 0) - (pb1 <= pb0 ? qb0 : 0) - (pa1 <= pa0 ? qa1 : 0) + (pa1 >= pa0 ? qa0 : 0);
      }
      row[F.mlofi_l1_qty + m] = defined ? this.ctx.qty.apply(e) : NaN;
      if (m === 0) {
        row[F.ofi_l1_qty] = row[F.mlofi_l1_qty]!;
        this.ofiLots = defined ? e : 0;
      }
    }

    const midTicks = nb > 0 && na > 0 ? (bids.priceTicks[0]! + asks.priceTicks[0]!) * 0.5 : NaN;
    if (!Number.isNaN(midTicks) && !Number.isNaN(this.prevMidTicks)) {
      const r = Math.log(midTicks / this.prevMidTicks);
      this.returnSq = r * r;
      this.hasReturn = 1;
    } else {
      this.returnSq = 0;
      this.hasReturn = 0;
    }
    this.prevMidTicks = midTicks;
  }

  private writeWindowFeatures(row: Float64Array): void {
    const qty = this.ctx.qty;
    row[F.ofi_l1_sum_1s_qty] = qty.apply(this.book1s.sums[0]!);
    row[F.ofi_l1_sum_10s_qty] = qty.apply(this.book10s.sums[0]!);
    const windows = [this.trade1s, this.trade10s];
    for (let w = 0; w < 2; w++) {
      const sums = windows[w]!.sums;
      const buy = sums[0]!, sell = sums[1]!;
      const total = buy + sell;
      row[F.trade_count_1s + w] = sums[3]!;
      row[F.trade_qty_1s + w] = qty.apply(total);
      row[F.trade_imbalance_1s + w] = total > 0 ? (buy - sell) / total : NaN;
      row[F.trade_vwap_1s + w] = total > 0 ? this.ctx.price.apply(sums[2]! / total) : NaN;
    }
    const b10 = this.book10s.sums;
    const b60 = this.book60s.sums;
    row[F.rv_mid_10s_bps] = b10[5]! > 0 ? Math.sqrt(Math.max(b10[4]!, 0)) * 10000 : NaN;
    row[F.rv_mid_60s_bps] = b60[1]! > 0 ? Math.sqrt(Math.max(b60[0]!, 0)) * 10000 : NaN;
    row[F.update_rate_10s_hz] = b10[1]! / 10;
    row[F.cancel_rate_10s_hz] = b10[2]! / 10;
    row[F.cancel_qty_10s] = qty.apply(b10[3]!);
    const traded = this.trade10s.sums[0]! + this.trade10s.sums[1]!;
    row[F.cancel_to_trade_10s] = traded > 0 ? b10[3]! / traded : NaN;
  }

  private rememberTop(): void {
    const lot = this.spec.lotSize;
    for (let s = 0; s < 2; s++) {
      const side = this.book.side(s);
      const n = Math.min(side.count, MLOFI_LEVELS);
      for (let i = 0; i < n; i++) {
        this.prevPrice[s]![i] = side.priceTicks[i]!;
        this.prevLots[s]![i] = lotsOf(side.qty[i]!, lot);
      }
      this.prevCount[s] = n;
    }
    this.hasPrev = true;
  }

  private growPending(): void {
    const n = this.pendingSide.length * 2;
    const side = new Int8Array(n), price = new Float64Array(n), lots = new Float64Array(n);
    side.set(this.pendingSide);
    price.set(this.pendingPrice);
    lots.set(this.pendingLots);
    this.pendingSide = side;
    this.pendingPrice = price;
    this.pendingLots = lots;
  }
}

/** The checks libgenesis makes before touching any state (GN_ERR_INVALID); throws on the first bad event. */
export function validateEvents(events: readonly MarketEvent[], lotSize: number): void {
  const maxQty = lotSize * MAX_LOTS; // exact: MAX_LOTS is a power of two
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    let ok = Number.isFinite(e.exchTsMs);
    if (e.kind === "trade") {
      ok &&= isIntegerTicks(e.priceTicks) && Number.isFinite(e.qty) && e.qty >= 0 && e.qty < maxQty && (e.side === "buy" || e.side === "sell");
    } else if (e.kind === "book") {
      const n = e.levelSide.length;
      ok &&= e.levelPriceTicks.length === n && e.levelQty.length === n;
      for (let j = 0; ok && j < n; j++) {
        const q = e.levelQty[j]!;
        ok = e.levelSide[j]! <= 1 && isIntegerTicks(e.levelPriceTicks[j]!) && Number.isFinite(q) && q >= 0 && q < maxQty;
      }
    } else {
      ok = false;
    }
    if (!ok) throw new FeatureEngineError("invalid", `invalid market event: index=${i}, kind=${(e as MarketEvent).kind}, exchTsMs=${e.exchTsMs}`, i);
  }
}
