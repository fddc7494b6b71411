/**
 * Per-key conflation: at most one item per key per interval, latest wins.
 * Leading edge: the first item after a quiet interval goes at once; items
 * arriving inside the interval replace each other and the survivor goes when
 * the interval ends. Pure: the caller passes the clock and owns the timer.
 */
export class Conflator<T> {
  private readonly lastSentMs = new Map<string, number>();
  private readonly held = new Map<string, T>();

  constructor(readonly intervalMs: number) {}

  get heldCount(): number {
    return this.held.size;
  }

  /** True: send `item` now. False: it is held (replacing any item held for `key`). */
  offer(key: string, item: T, nowMs: number): boolean {
    const last = this.lastSentMs.get(key);
    if (!this.held.has(key) && (last === undefined || nowMs - last >= this.intervalMs)) {
      this.lastSentMs.set(key, nowMs);
      return true;
    }
    this.held.set(key, item);
    return false;
  }

  /** Removes and returns the held items whose interval has elapsed. */
  takeDue(nowMs: number): T[] {
    const due: T[] = [];
    for (const [key, item] of this.held) {
      if (nowMs - this.lastSentMs.get(key)! >= this.intervalMs) {
        due.push(item);
        this.held.delete(key);
        this.lastSentMs.set(key, nowMs);
      }
    }
    return due;
  }

  /** When the next held item falls due, or undefined when nothing is held. */
  nextDueMs(): number | undefined {
    let next: number | undefined;
    for (const key of this.held.keys()) {
      const due = this.lastSentMs.get(key)! + this.intervalMs;
      if (next === undefined || due < next) next = due;
    }
    return next;
  }

  clear(): void {
    this.held.clear();
  }
}
