/**
 * The caller-owned columns in which a batch of market events crosses into
 * libgenesis (native/include/genesis.h: one row per event, the level changes
 * of book events flattened behind per-event offsets). The analytics engine
 * and the surveillance lifecycle both pack events this way; each keeps its
 * own output buffers. Grown to powers of two, never shrunk, so a steady
 * stream allocates nothing.
 */
import type { BookUpdate } from "./switchboard.ts";

export class NativeEventColumns {
  eventCap = 0;
  levelCap = 0;
  kind = new Int32Array(0);
  ts = new Float64Array(0);
  /** offsets[i]..offsets[i+1] are event i's level changes; one longer than the events. */
  offsets = new Int32Array(1);
  tradePrice = new Float64Array(0);
  tradeQty = new Float64Array(0);
  tradeSide = new Int8Array(0);
  levelSide = new Uint8Array(0);
  levelPrice = new Float64Array(0);
  levelQty = new Float64Array(0);

  /** Room for `events` events and `levels` level changes. True when the event columns were replaced (what they held is gone). */
  ensure(events: number, levels: number): boolean {
    let grew = false;
    if (events > this.eventCap) {
      const cap = nextPow2(events);
      this.eventCap = cap;
      this.kind = new Int32Array(cap);
      this.ts = new Float64Array(cap);
      this.offsets = new Int32Array(cap + 1);
      this.tradePrice = new Float64Array(cap);
      this.tradeQty = new Float64Array(cap);
      this.tradeSide = new Int8Array(cap);
      grew = true;
    }
    if (levels > this.levelCap) {
      const cap = nextPow2(levels);
      this.levelCap = cap;
      this.levelSide = new Uint8Array(cap);
      this.levelPrice = new Float64Array(cap);
      this.levelQty = new Float64Array(cap);
    }
    return grew;
  }

  /** Copies an update's level changes into the level columns from index `lv` (lengths already checked equal); returns the index after them. */
  copyLevels(update: BookUpdate, lv: number): number {
    const m = update.levelSide.length;
    const side = this.levelSide, price = this.levelPrice, qty = this.levelQty;
    if (m < 16) {
      // Short frames (the common case) copy faster element by element than through TypedArray.set.
      for (let j = 0; j < m; j++) {
        side[lv + j] = update.levelSide[j]!;
        price[lv + j] = update.levelPriceTicks[j]!;
        qty[lv + j] = update.levelQty[j]!;
      }
    } else {
      side.set(update.levelSide, lv);
      price.set(update.levelPriceTicks, lv);
      qty.set(update.levelQty, lv);
    }
    return lv + m;
  }
}

/** The next power of two at or above n, at least 64. */
export function nextPow2(n: number): number {
  let cap = 64;
  while (cap < n) cap *= 2;
  return cap;
}
