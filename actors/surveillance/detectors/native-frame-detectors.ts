/**
 * The frame detectors (frame-detectors.ts) run by libgenesis inside the
 * native lifecycle's frame call: the price reach (native/src/price_reach.hpp),
 * quote stuffing (quote_stuffing.hpp), book pressure and liquidity gaps
 * (frame_detectors.cpp), twins of price-reach.ts, quote-stuffing.ts and
 * book-context.ts. The frame's arrays, counts and mid are already there, so
 * they cost no JavaScript per frame. A burst or episode that ends comes back
 * as a small event; its alert is made by the same functions the TypeScript
 * detectors use, so both raise the same alerts. The reach is read through
 * the library when a detector asks (a closed episode, a run).
 */
import type { BookUpdate } from "../../../src/switchboard.ts";
import type { Alert } from "../alert.ts";
import { DETECTOR_EVENT_DOUBLES, packParams } from "../native-lifecycle-lib.ts";
import type { NativeLifecycle } from "../native-lifecycle.ts";
import { gapAlert, pressureAlert } from "./book-context.ts";
import type { FrameDetectorParams, FrameDetectors } from "./frame-detectors.ts";
import { sideName } from "./make-alert.ts";
import type { MidReach } from "./price-reach.ts";
import { stuffingAlert } from "./quote-stuffing.ts";

const KIND_PRESSURE = 0;
const KIND_GAP = 1;
const KIND_STUFFING = 2;

/** gn_detector_params: 26 doubles in params.ts order. */
export function packDetectorParams(p: FrameDetectorParams): Uint8Array {
  const { bookPressure: bp, liquidityGap: lg, priceReach: pr, quoteStuffing: qs } = p;
  return packParams([
    bp.levels, bp.tail, bp.sampleMs, bp.window, bp.warmupSamples, bp.minDurationMs,
    lg.levels, lg.tail, lg.gapMultiple, lg.minGapTicks, lg.sampleMs, lg.window, lg.warmupSamples, lg.minDurationMs,
    pr.sampleMs, pr.window,
    qs.nearTicks, qs.windowMs, qs.sampleMs, qs.window, qs.warmupSamples, qs.quantile, qs.rateMultiple, qs.minExcess, qs.minCancelRatio, qs.minNearShare,
  ]);
}

export class NativeFrameDetectors implements FrameDetectors {
  readonly reach: MidReach;
  private events = new Float64Array(4 * DETECTOR_EVENT_DOUBLES);
  /** Events taken from the last frame: [from, to) in `events`, consumed by the two turns. */
  private next = 0;
  private end = 0;

  constructor(
    private readonly life: NativeLifecycle,
    private readonly symbol: string,
    private readonly p: FrameDetectorParams,
  ) {
    life.enableDetectors(packDetectorParams(p));
    this.reach = { ticks: (horizonMs, quantile = p.priceReach.quantile) => life.reachTicks(horizonMs, quantile) };
  }

  /** The library counted the trade when the lifecycle took it. */
  onTrade(_tsMs: number): void {}

  /** The library sampled the reach in the frame call; takes the events it queued. */
  afterLifecycle(_update: BookUpdate, _life: unknown): void {
    const queued = this.life.detectorEventsQueued;
    this.next = this.end = 0;
    if (queued === 0) return;
    if (queued * DETECTOR_EVENT_DOUBLES > this.events.length) this.events = new Float64Array(2 * queued * DETECTOR_EVENT_DOUBLES);
    this.end = this.life.takeDetectorEvents(this.events);
  }

  /** The library queues a stuffing burst first (its turn comes first in the TypeScript engine). */
  stuffingTurn(_update: BookUpdate, _life: unknown, out: Alert[]): void {
    const e = this.events;
    while (this.next < this.end && e[this.next * DETECTOR_EVENT_DOUBLES] === KIND_STUFFING) {
      const o = this.next++ * DETECTOR_EVENT_DOUBLES;
      const changes = e[o + 4]!, bid = e[o + 9]!;
      const burst = { tsStart: e[o + 2]!, tsEnd: e[o + 3]!, peak: changes, threshold: e[o + 5]!, changes, cancels: e[o + 6]!, consumed: e[o + 7]!, trades: e[o + 8]!, bySide: [bid, changes - bid] as [number, number] };
      out.push(stuffingAlert(this.symbol, this.p.quoteStuffing, burst, e[o + 3]!));
    }
  }

  contextTurn(_update: BookUpdate, out: Alert[]): void {
    const e = this.events;
    for (; this.next < this.end; this.next++) {
      const o = this.next * DETECTOR_EVENT_DOUBLES;
      const kind = e[o];
      const extreme = { tsStart: e[o + 2]!, peak: e[o + 4]!, side: sideName(e[o + 1]!), threshold: e[o + 5]! };
      if (kind === KIND_PRESSURE) out.push(pressureAlert(this.symbol, this.p.bookPressure, extreme, e[o + 3]!));
      else if (kind === KIND_GAP) out.push(gapAlert(this.symbol, this.p.liquidityGap, extreme, e[o + 3]!));
      else throw new Error(`native frame detectors: event kind ${kind} out of order (symbol=${this.symbol})`);
    }
  }
}
