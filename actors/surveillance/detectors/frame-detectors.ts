/**
 * The detector work done on every depth frame beside the order lifecycle:
 * the price reach's mid sample, quote stuffing, book pressure and liquidity
 * gaps. Run here in TypeScript (TsFrameDetectors), or with the native
 * lifecycle inside libgenesis's frame call (native-frame-detectors.ts), where
 * the frame's arrays, counts and mid are already at hand; both raise the
 * same alerts. The engine calls the three turns at the points where the
 * TypeScript detectors have always run, so alerts keep their order.
 */
import type { BookUpdate } from "../../../src/switchboard.ts";
import type { Alert } from "../alert.ts";
import type { OrderLifecycle } from "../lifecycle-choice.ts";
import type { BookPressureParams, LiquidityGapParams, PriceReachParams, QuoteStuffingParams } from "../params.ts";
import { BookPressureDetector, LiquidityGapDetector } from "./book-context.ts";
import { PriceReach, type MidReach } from "./price-reach.ts";
import { QuoteStuffingDetector } from "./quote-stuffing.ts";

export interface FrameDetectorParams {
  readonly priceReach: PriceReachParams;
  readonly quoteStuffing: QuoteStuffingParams;
  readonly bookPressure: BookPressureParams;
  readonly liquidityGap: LiquidityGapParams;
}

export interface FrameDetectors {
  /** The usual price moves, for the spoofing, layering and momentum detectors. */
  readonly reach: MidReach;
  /** A trade, in stream order (quote stuffing counts trades per window). */
  onTrade(tsMs: number): void;
  /** Right after the lifecycle saw the frame (before episodes are judged): the reach's sample. */
  afterLifecycle(update: BookUpdate, life: OrderLifecycle): void;
  /** Quote stuffing's turn: pushes a burst the frame ended. */
  stuffingTurn(update: BookUpdate, life: OrderLifecycle, out: Alert[]): void;
  /** Book pressure's and liquidity gaps' turn: pushes the episodes the frame ended. */
  contextTurn(update: BookUpdate, out: Alert[]): void;
}

export class TsFrameDetectors implements FrameDetectors {
  readonly reach: PriceReach;
  private readonly stuffing: QuoteStuffingDetector;
  private readonly pressure: BookPressureDetector;
  private readonly gaps: LiquidityGapDetector;

  constructor(symbol: string, tickSize: number, p: FrameDetectorParams) {
    this.reach = new PriceReach(p.priceReach);
    this.stuffing = new QuoteStuffingDetector(symbol, p.quoteStuffing);
    this.pressure = new BookPressureDetector(symbol, p.bookPressure);
    this.gaps = new LiquidityGapDetector(symbol, tickSize, p.liquidityGap);
  }

  onTrade(tsMs: number): void {
    this.stuffing.onTrade(tsMs);
  }

  afterLifecycle(update: BookUpdate, life: OrderLifecycle): void {
    this.reach.onMid(update.exchTsMs, life.mid2);
  }

  stuffingTurn(update: BookUpdate, life: OrderLifecycle, out: Alert[]): void {
    const alert = this.stuffing.onBook(update, life.counts, life.bestBidTicks, life.bestAskTicks);
    if (alert !== null) out.push(alert);
  }

  contextTurn(update: BookUpdate, out: Alert[]): void {
    const alert = this.pressure.onBook(update);
    if (alert !== null) out.push(alert);
    this.gaps.onBook(update, out);
  }
}
