/**
 * One session's raw book rows (one per event, `width` numbers each) in a
 * growable Float64Array: what the evaluation reads, in time order.
 */
export class RowSeries {
  private data: Float64Array;
  length = 0;

  constructor(
    readonly name: string,
    readonly width: number,
    initialRows = 1024,
  ) {
    this.data = new Float64Array(initialRows * width);
  }

  /** The next row's slot (fill `width` numbers at `offset`, then `commit()`). */
  slot(): { rows: Float64Array; offset: number } {
    if ((this.length + 1) * this.width > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    return { rows: this.data, offset: this.length * this.width };
  }

  commit(): void {
    this.length++;
  }

  /** The rows so far, as a view (valid until the next push). */
  get rows(): Float64Array {
    return this.data.subarray(0, this.length * this.width);
  }

  mids(): Float64Array {
    const mids = new Float64Array(this.length);
    for (let t = 0; t < this.length; t++) mids[t] = (this.data[t * this.width]! + this.data[t * this.width + 2]!) / 2;
    return mids;
  }
}
