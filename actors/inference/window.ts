/**
 * The model's input, built from book rows: one raw row (40 numbers for 10
 * levels: askPrice1, askSize1, bidPrice1, bidSize1, ..., in quote currency
 * and base units) per event, a rolling window of the last `windowEvents`
 * rows per symbol, and the transform the model was trained with: prices to
 * basis points from the row's own mid, sizes to ln(1 + size), then the
 * z-score fitted on the training period. Pure: no I/O, no actors.
 */
import type { ModelMetadata } from "./model-metadata.ts";
import { ROW_WIDTH_PER_LEVEL } from "./model-metadata.ts";

/**
 * Writes the raw row of a book (best first, real prices and sizes) into
 * `out` at `offset`. A side shallower than `levels` repeats its last present
 * price with size 0 (the contract's padding). Returns false when a side is
 * empty: no mid, no row.
 */
export function writeBookRow(
  bidPrice: ArrayLike<number>,
  bidQty: ArrayLike<number>,
  askPrice: ArrayLike<number>,
  askQty: ArrayLike<number>,
  levels: number,
  out: Float64Array,
  offset: number,
): boolean {
  const bids = Math.min(bidPrice.length, levels);
  const asks = Math.min(askPrice.length, levels);
  if (bids === 0 || asks === 0) return false;
  for (let level = 0; level < levels; level++) {
    const at = offset + level * ROW_WIDTH_PER_LEVEL;
    out[at] = level < asks ? askPrice[level]! : askPrice[asks - 1]!;
    out[at + 1] = level < asks ? askQty[level]! : 0;
    out[at + 2] = level < bids ? bidPrice[level]! : bidPrice[bids - 1]!;
    out[at + 3] = level < bids ? bidQty[level]! : 0;
  }
  return true;
}

/** Transforms and z-scores one raw row (`width` numbers at `rawOffset`) into `out` at `outOffset`. */
export function transformRow(raw: ArrayLike<number>, rawOffset: number, meta: ModelMetadata, out: Float32Array | Float64Array, outOffset: number): void {
  const width = meta.levels * ROW_WIDTH_PER_LEVEL;
  const mean = meta.zscoreMean;
  const std = meta.zscoreStd;
  const mid = (raw[rawOffset]! + raw[rawOffset + 2]!) / 2;
  for (let c = 0; c < width; c += 2) {
    // Even columns are prices, odd ones sizes (ask price, ask size, bid price, bid size).
    const bps = ((raw[rawOffset + c]! - mid) / mid) * 1e4;
    out[outOffset + c] = (bps - mean[c]!) / std[c]!;
    const size = Math.log1p(raw[rawOffset + c + 1]!);
    out[outOffset + c + 1] = (size - mean[c + 1]!) / std[c + 1]!;
  }
}

/** A symbol's last `capacity` raw rows, oldest first when read. */
export class RowWindow {
  readonly width: number;
  private readonly rows: Float64Array;
  private head = 0; // next slot to write
  private count = 0;
  /** Rows pushed since the window was created or cleared. */
  pushed = 0;

  constructor(
    readonly capacity: number,
    levels: number,
  ) {
    this.width = levels * ROW_WIDTH_PER_LEVEL;
    this.rows = new Float64Array(capacity * this.width);
  }

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** The slot for the next row: fill it, then `commit()`. Writing in place saves a copy per event. */
  slot(): { rows: Float64Array; offset: number } {
    return { rows: this.rows, offset: this.head * this.width };
  }

  commit(): void {
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    this.pushed++;
  }

  push(row: ArrayLike<number>): void {
    this.rows.set(row as ArrayLike<number>, this.head * this.width);
    this.commit();
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.pushed = 0;
  }

  /** Writes the window, oldest row first, transformed for the model, into `out` at `offset` (windowEvents x width floats). */
  writeInput(meta: ModelMetadata, out: Float32Array, offset: number): void {
    const oldest = this.count === this.capacity ? this.head : 0;
    for (let i = 0; i < this.count; i++) {
      const slot = (oldest + i) % this.capacity;
      transformRow(this.rows, slot * this.width, meta, out, offset + i * this.width);
    }
  }

  /** The raw row `age` events back (0: the newest), as a view. */
  row(age: number): Float64Array {
    if (age < 0 || age >= this.count) throw new RangeError(`row age out of range: age=${age}, size=${this.count}`);
    const slot = (this.head - 1 - age + 2 * this.capacity) % this.capacity;
    return this.rows.subarray(slot * this.width, (slot + 1) * this.width);
  }
}
