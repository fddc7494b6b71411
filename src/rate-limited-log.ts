/**
 * Logs at a bounded rate: bad input can arrive thousands of times a second,
 * and the log must stay readable. The first line per key is written, then at
 * most one per interval, saying how many were suppressed in between.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, { atMs: number; suppressed: number }>();

  constructor(
    private readonly write: (line: string) => void = (line) => console.error(line),
    private readonly intervalMs = 5000,
    private readonly nowMs: () => number = Date.now,
  ) {}

  log(key: string, line: string): void {
    const now = this.nowMs();
    const entry = this.last.get(key);
    if (entry && now - entry.atMs < this.intervalMs) {
      entry.suppressed++;
      return;
    }
    const suffix = entry && entry.suppressed > 0 ? ` (${entry.suppressed} more like it suppressed)` : "";
    this.last.set(key, { atMs: now, suppressed: 0 });
    this.write(`${line}${suffix}`);
  }
}
