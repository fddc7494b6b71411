/**
 * A Fenwick (binary indexed) tree over a power-of-two number of slots:
 * point updates and weighted sampling in O(log n). The simulator keeps one
 * per book side, weighting each price slot by its cancellation intensity, so
 * that "cancel with rate proportional to queue size" picks a level in 12
 * steps instead of a scan over a thousand levels.
 *
 * Weights are integer-valued doubles; sums stay exact below 2^53.
 */
export class FenwickTree {
  private readonly tree: Float64Array;
  private readonly topBit: number;
  total = 0;

  constructor(readonly size: number) {
    if (size < 1 || (size & (size - 1)) !== 0) throw new Error(`FenwickTree: size ${size} is not a power of two`);
    this.tree = new Float64Array(size + 1);
    this.topBit = size;
  }

  add(slot: number, delta: number): void {
    this.total += delta;
    const tree = this.tree;
    for (let i = slot + 1; i <= this.size; i += i & -i) tree[i] = tree[i]! + delta;
  }

  /** Sum of the weights of slots [0, slot]. */
  prefixSum(slot: number): number {
    let sum = 0;
    for (let i = slot + 1; i > 0; i -= i & -i) sum += this.tree[i]!;
    return sum;
  }

  /**
   * The slot s with prefixSum(s - 1) <= target < prefixSum(s), for
   * 0 <= target < total: a draw proportional to the weights when target is
   * uniform on [0, total).
   */
  find(target: number): number {
    const tree = this.tree;
    let position = 0;
    let remaining = target;
    for (let step = this.topBit; step > 0; step >>= 1) {
      const next = position + step;
      if (next <= this.size && tree[next]! <= remaining) {
        position = next;
        remaining -= tree[next]!;
      }
    }
    return position < this.size ? position : this.size - 1;
  }

  clear(): void {
    this.tree.fill(0);
    this.total = 0;
  }
}
