/**
 * Book pressure and liquidity gaps run by libgenesis inside the native
 * lifecycle's frame call (native/src/book_context.cpp, the twin of
 * book-context.ts's detectors): the frame's top-of-book arrays are already
 * there, so the two cost no JavaScript per frame. An episode that ends long
 * enough comes back as a small event; its alert is made by the same
 * functions the TypeScript detectors use, so both raise the same alerts.
 */
import type { BookUpdate } from "../../../src/switchboard.ts";
import type { Alert } from "../alert.ts";
import { CONTEXT_EVENT_DOUBLES } from "../native-lifecycle-lib.ts";
import type { NativeLifecycle } from "../native-lifecycle.ts";
import type { BookPressureParams, LiquidityGapParams } from "../params.ts";
import { gapAlert, pressureAlert, type BookContextDetectors } from "./book-context.ts";
import { sideName } from "./make-alert.ts";

const KIND_PRESSURE = 0;

/** gn_context_params: { uint32 struct_size; uint32 reserved; 14 doubles } in params.ts order. */
export function packContextParams(pressure: BookPressureParams, gaps: LiquidityGapParams): Uint8Array {
  const values = [
    pressure.levels, pressure.tail, pressure.sampleMs, pressure.window, pressure.warmupSamples, pressure.minDurationMs,
    gaps.levels, gaps.tail, gaps.gapMultiple, gaps.minGapTicks, gaps.sampleMs, gaps.window, gaps.warmupSamples, gaps.minDurationMs,
  ];
  const raw = new DataView(new ArrayBuffer(8 + 8 * values.length));
  raw.setUint32(0, raw.byteLength, true);
  values.forEach((v, i) => raw.setFloat64(8 + 8 * i, v, true));
  return new Uint8Array(raw.buffer);
}

export class NativeBookContext implements BookContextDetectors {
  private events = new Float64Array(4 * CONTEXT_EVENT_DOUBLES);

  constructor(
    private readonly life: NativeLifecycle,
    private readonly symbol: string,
    private readonly pressure: BookPressureParams,
    private readonly gaps: LiquidityGapParams,
  ) {
    life.enableContext(packContextParams(pressure, gaps));
  }

  /** After the lifecycle's onBook(update): the alerts its frame call queued, in the TypeScript order. */
  onBook(_update: BookUpdate, out: Alert[]): void {
    const queued = this.life.contextQueued;
    if (queued === 0) return;
    if (queued * CONTEXT_EVENT_DOUBLES > this.events.length) this.events = new Float64Array(2 * queued * CONTEXT_EVENT_DOUBLES);
    const e = this.events;
    const n = this.life.takeContext(e);
    for (let i = 0; i < n; i++) {
      const o = i * CONTEXT_EVENT_DOUBLES;
      const extreme = { tsStart: e[o + 2]!, peak: e[o + 4]!, side: sideName(e[o + 1]!), threshold: e[o + 5]! };
      out.push(e[o] === KIND_PRESSURE ? pressureAlert(this.symbol, this.pressure, extreme, e[o + 3]!) : gapAlert(this.symbol, this.gaps, extreme, e[o + 3]!));
    }
  }
}
