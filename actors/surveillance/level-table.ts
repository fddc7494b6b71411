/**
 * Per-level state for the lifecycle inference, struct-of-arrays: one row per
 * (side, priceTicks mod SLOTS) in a direct-mapped table. Typed columns keep
 * the per-level path free of object loads and allocation (a Map costs ~50 ns
 * a lookup, a row index a few). Two live prices share a row only when SLOTS
 * ticks apart; the caller decides which one keeps it.
 */

/** A tracked (large) episode of liquidity at one level, from first add to its removal. */
export interface Episode {
  readonly side: number;
  readonly priceTicks: number;
  /** Total added during the episode (base units). */
  addedQty: number;
  tradedQty: number;
  cancelledQty: number;
  readonly startTsMs: number;
  endTsMs: number;
  /** Ticks from the own-side touch when first added (0 = at the touch). */
  readonly distTicksAtAdd: number;
  /** 2 x mid in ticks at the first add and at the close (NaN when a side was empty). */
  readonly mid2AtAdd: number;
  mid2AtEnd: number;
  /** Ticks from the own-side touch at the close (how stale the order had become). */
  distTicksAtEnd: number;
  /** All trade volume printed at this level during the episode, queue front included. */
  levelTradedQty: number;
  /** Size reference (median add / near-touch depth) when the episode became large. */
  refQty: number;
  /** The median 1 s mid move (ticks) when it became large: distance limits widen with it. */
  readonly volTicksAtAdd: number;
  /** Aggressive volume that traded against the opposite side while it rested. */
  oppositeQty: number;
  /** What the opposite side usually trades in as long (the recent mean rate x lifetime). */
  oppositeExpectedQty: number;
  /** Trade prints at this level during the episode (price, qty, ts). */
  readonly trades: number[];
  /** Internal: cumulative opposite volume at the start. */
  oppositeAtStart: number;
}

export const SLOT_BITS = 12;
export const SLOTS = 1 << SLOT_BITS;
export const SLOT_MASK = SLOTS - 1;

/**
 * Field offsets inside a row of `LevelTable.f`: eight doubles, one cache line per level, so
 * a level change touches one line (a column per field would touch eight).
 */
export const PRICE = 0; // priceTicks holding the row; NaN = free
export const QTY = 1;
export const LAST_CHANGE_TS = 2; // exchange ms of the last change
export const EP_REMAINING = 3; // liquidity of the open episode still resting
export const TAIL = 4; // added after the episode became large: other orders queued behind it
export const EP_ADDED = 5;
export const EP_START_TS = 6;
export const EP_ACTIVE = 7; // 1 while an episode (small or large) is open at the level
const STRIDE = 8;

export class LevelTable {
  readonly f = new Float64Array(2 * SLOTS * STRIDE);
  /** The large episode per row, when the open one grew large. */
  readonly episode: (Episode | null)[] = [];

  constructor() {
    for (let i = 0; i < 2 * SLOTS; i++) this.episode.push(null);
    this.clear();
  }

  /** The base offset in `f` of the row for this side and price (whichever price holds it now). */
  static at(side: number, priceTicks: number): number {
    return ((side << SLOT_BITS) | (priceTicks & SLOT_MASK)) * STRIDE;
  }

  /** Gives the row at base offset `r` to `priceTicks` (NaN = free) with an empty level. */
  free(r: number, priceTicks: number): void {
    const f = this.f;
    f[r + PRICE] = priceTicks;
    f[r + QTY] = 0;
    f[r + LAST_CHANGE_TS] = -Infinity;
    f[r + EP_ACTIVE] = 0;
    this.episode[r >> 3] = null; // r / STRIDE
    f[r + EP_REMAINING] = 0;
    f[r + EP_ADDED] = 0;
    f[r + TAIL] = 0;
  }

  clear(): void {
    this.f.fill(0);
    for (let r = 0; r < this.f.length; r += STRIDE) this.f[r + PRICE] = NaN;
    this.episode.fill(null);
  }
}
