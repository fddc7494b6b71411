/**
 * The large episodes of a native lifecycle as the `Episode` objects the
 * detectors consume. The library queues a record (genesis.h
 * GN_LIFECYCLE_RECORD_DOUBLES) when an episode opens, is released to the
 * detectors (closed and settled) or is dropped; `take` copies the queue into
 * caller-owned arrays and `apply` replays it: one object per live episode
 * (by the library's slot), created at its opening and brought up to date in
 * place at its release, so `opened` and `closed` hold the same objects with
 * the same values, after every update, as the TypeScript lifecycle's.
 * Between those two points an object keeps its values at opening where the
 * TypeScript one already counts trades and cancels: nothing reads an open
 * episode's mutable fields (the engine's requote check reads side, price,
 * start and size, fixed at opening).
 */
import type { Episode } from "./lifecycle.ts";
import { GN_OK, LAYOUT, NativeLifecycleError, type NativeLifecycleLibrary } from "./native-lifecycle-lib.ts";

const REC = LAYOUT.recordDoubles;
const OPENED = 0;
const RELEASED = 1;

export class EpisodeMirror {
  /** Live large episodes by slot (a slot is reused once its episode is released or dropped). */
  private readonly bySlot: (Episode | undefined)[] = [];
  private records = new Float64Array(64 * REC);
  private tradeValues = new Float64Array(4096);
  /** The next taken record to apply, and how many were taken. */
  private at = 0;
  private count = 0;

  constructor(
    private readonly library: NativeLifecycleLibrary,
    private readonly symbol: string,
    private readonly opened: Episode[],
    private readonly closed: Episode[],
  ) {}

  /** Moves the queued records out of the library; `info` is a call's out_info (records, values queued). */
  take(handle: number, info: Int32Array): void {
    const records = info[1]!, values = info[2]!;
    if (records * REC > this.records.length) this.records = new Float64Array(nextPow2(records * REC));
    if (values > this.tradeValues.length) this.tradeValues = new Float64Array(nextPow2(values));
    const status = this.library.symbols.gn_lifecycle_take(handle, this.records, Math.floor(this.records.length / REC), this.tradeValues, this.tradeValues.length, info);
    if (status !== GN_OK) throw new NativeLifecycleError("native", `gn_lifecycle_take failed: status=${status} (${this.library.statusText(status)}), symbol=${this.symbol}, records=${records}, values=${values}`);
    this.at = 0;
    this.count = info[1]!;
  }

  /** Applies the taken records of book update `row` and before (all of them: Infinity). */
  apply(row: number): void {
    const R = this.records;
    while (this.at < this.count && R[this.at * REC]! <= row) this.applyRecord(this.at++ * REC);
  }

  clear(): void {
    this.bySlot.length = 0;
    this.at = 0;
    this.count = 0;
  }

  private applyRecord(o: number): void {
    const R = this.records, kind = R[o + 1]!, slot = R[o + 2]! | 0;
    let ep = this.bySlot[slot];
    if (kind === OPENED) {
      // The key order of lifecycle.ts's object literal.
      ep = {
        side: R[o + 3]!, priceTicks: R[o + 4]!, addedQty: R[o + 5]!, tradedQty: R[o + 6]!, cancelledQty: R[o + 7]!, startTsMs: R[o + 8]!, endTsMs: R[o + 9]!,
        distTicksAtAdd: R[o + 10]!, mid2AtAdd: R[o + 11]!, mid2AtEnd: R[o + 12]!, distTicksAtEnd: R[o + 13]!, levelTradedQty: R[o + 14]!, refQty: R[o + 15]!, volTicksAtAdd: R[o + 16]!,
        oppositeQty: R[o + 17]!, oppositeExpectedQty: R[o + 18]!, trades: [], oppositeAtStart: R[o + 19]!,
      };
      while (this.bySlot.length <= slot) this.bySlot.push(undefined);
      this.bySlot[slot] = ep;
      this.opened.push(ep);
    } else {
      if (ep === undefined) throw new NativeLifecycleError("native", `episode record kind=${kind} for an empty slot=${slot}, symbol=${this.symbol}`);
      ep.addedQty = R[o + 5]!;
      ep.tradedQty = R[o + 6]!;
      ep.cancelledQty = R[o + 7]!;
      ep.endTsMs = R[o + 9]!;
      ep.mid2AtEnd = R[o + 12]!;
      ep.distTicksAtEnd = R[o + 13]!;
      ep.levelTradedQty = R[o + 14]!;
      ep.refQty = R[o + 15]!;
      ep.oppositeQty = R[o + 17]!;
      ep.oppositeExpectedQty = R[o + 18]!;
      ep.oppositeAtStart = R[o + 19]!;
      if (kind === RELEASED) this.closed.push(ep);
      this.bySlot[slot] = undefined;
    }
    const from = R[o + 20]!, to = from + R[o + 21]!, values = this.tradeValues, trades = ep.trades;
    for (let k = from; k < to; k++) trades.push(values[k]!);
  }
}

function nextPow2(n: number): number {
  let cap = 64;
  while (cap < n) cap *= 2;
  return cap;
}
