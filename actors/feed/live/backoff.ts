/**
 * Exponential back-off with full jitter (AWS architecture blog, "Exponential
 * Backoff and Jitter"): the n-th delay is uniform in [0, min(cap, base * 2^n)],
 * so many clients cut off together do not come back together.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs: number,
    private readonly capMs: number,
    private readonly random: () => number = Math.random,
  ) {
    if (!(baseMs > 0 && capMs >= baseMs)) throw new RangeError(`back-off needs 0 < base <= cap: baseMs=${baseMs}, capMs=${capMs}`);
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  nextDelayMs(): number {
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return this.random() * ceiling;
  }

  reset(): void {
    this.attempt = 0;
  }
}
