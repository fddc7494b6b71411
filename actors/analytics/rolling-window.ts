/**
 * A time window over (ts, K values) entries with running column sums: the
 * TypeScript twin of native/src/rolling.hpp, doing the same floating-point
 * operations in the same order so that both engines agree to the bit.
 *
 * Entries leave in arrival order once `ts <= nowMs - windowMs` (now is the
 * engine's monotone clock), so results depend only on the event sequence.
 * A column whose remaining entries are all zero is snapped to exactly 0, so
 * float residue (squared returns) never outlives an idle window.
 */
export class RollingWindow {
  private ts = new Float64Array(64);
  private values: Float64Array;
  private capacity = 64;
  private head = 0;
  private length = 0;
  readonly sums: Float64Array;
  private readonly nonzero: Float64Array;

  constructor(
    readonly windowMs: number,
    readonly columns: number,
  ) {
    this.values = new Float64Array(64 * columns);
    this.sums = new Float64Array(columns);
    this.nonzero = new Float64Array(columns);
  }

  get size(): number {
    return this.length;
  }

  clear(): void {
    this.head = 0;
    this.length = 0;
    this.sums.fill(0);
    this.nonzero.fill(0);
  }

  push(ts: number, values: ArrayLike<number>): void {
    if (this.length === this.capacity) this.grow();
    const k = this.columns;
    const at = (this.head + this.length) & (this.capacity - 1);
    this.ts[at] = ts;
    const base = at * k;
    for (let c = 0; c < k; c++) {
      const v = values[c]!;
      this.values[base + c] = v;
      this.sums[c] += v;
      if (v !== 0) this.nonzero[c]++;
    }
    this.length++;
  }

  evict(nowMs: number): void {
    const cutoff = nowMs - this.windowMs;
    const k = this.columns;
    while (this.length > 0 && this.ts[this.head]! <= cutoff) {
      const base = this.head * k;
      for (let c = 0; c < k; c++) {
        const v = this.values[base + c]!;
        if (v === 0) continue;
        this.sums[c] -= v;
        if (--this.nonzero[c]! === 0) this.sums[c] = 0;
      }
      this.head = (this.head + 1) & (this.capacity - 1);
      this.length--;
    }
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const k = this.columns;
    const ts = new Float64Array(capacity);
    const values = new Float64Array(capacity * k);
    for (let i = 0; i < this.length; i++) {
      const from = (this.head + i) & (this.capacity - 1);
      ts[i] = this.ts[from]!;
      for (let c = 0; c < k; c++) values[i * k + c] = this.values[from * k + c]!;
    }
    this.ts = ts;
    this.values = values;
    this.capacity = capacity;
    this.head = 0;
  }
}
