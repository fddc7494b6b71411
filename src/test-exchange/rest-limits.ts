/**
 * Binance's REST request-weight limit as the test exchange enforces it: a
 * fixed window (one minute, aligned to the clock, so clients can predict the
 * reset), `x-mbx-used-weight-1m` on every response, 429 + Retry-After past
 * the limit, and a 418 ban for a client that keeps calling while told to
 * back off. Pure: the caller passes the time.
 */

export interface WeightLimitOptions {
  /** Weight allowed per window (Binance: 2400 per minute). */
  readonly limit?: number;
  readonly windowMs?: number;
  /** Requests made during a Retry-After period before the ban (418). */
  readonly violationsBeforeBan?: number;
  readonly banMs?: number;
}

export type WeightDecision =
  | { readonly ok: true; readonly usedWeight: number }
  | { readonly ok: false; readonly status: 429 | 418; readonly retryAfterSec: number; readonly usedWeight: number };

export interface WeightStats {
  requests: number;
  rejected429: number;
  rejected418: number;
  /** Highest weight used in any one window. */
  maxUsedInWindow: number;
  /** Requests that arrived while the client had been told to wait. */
  violations: number;
}

/** Weight of `GET /fapi/v1/depth` by limit, from Binance's documentation. */
export function depthWeight(limit: number): number {
  if (limit <= 50) return 2;
  if (limit <= 100) return 5;
  if (limit <= 500) return 10;
  return 20;
}

export const VALID_DEPTH_LIMITS: readonly number[] = [5, 10, 20, 50, 100, 500, 1000];

export class WeightLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly violationsBeforeBan: number;
  private readonly banMs: number;
  private windowIndex = -1;
  private used = 0;
  private waitUntilMs = 0;
  private bannedUntilMs = 0;
  private violationsInRow = 0;
  readonly stats: WeightStats = { requests: 0, rejected429: 0, rejected418: 0, maxUsedInWindow: 0, violations: 0 };

  constructor(options: WeightLimitOptions = {}) {
    this.limit = options.limit ?? 2400;
    this.windowMs = options.windowMs ?? 60_000;
    this.violationsBeforeBan = options.violationsBeforeBan ?? 3;
    this.banMs = options.banMs ?? 120_000;
  }

  usedWeight(nowMs: number): number {
    this.roll(nowMs);
    return this.used;
  }

  /** Charges `weight` for a request at `nowMs`, or says why it is refused. */
  charge(weight: number, nowMs: number): WeightDecision {
    this.roll(nowMs);
    this.stats.requests++;
    if (nowMs < this.bannedUntilMs) return this.refuse(418, this.bannedUntilMs, nowMs);
    if (nowMs < this.waitUntilMs) {
      this.stats.violations++;
      if (++this.violationsInRow >= this.violationsBeforeBan) {
        this.bannedUntilMs = nowMs + this.banMs;
        return this.refuse(418, this.bannedUntilMs, nowMs);
      }
      return this.refuse(429, this.waitUntilMs, nowMs);
    }
    if (this.used + weight > this.limit) {
      this.waitUntilMs = (this.windowIndex + 1) * this.windowMs;
      return this.refuse(429, this.waitUntilMs, nowMs);
    }
    this.violationsInRow = 0;
    this.used += weight;
    if (this.used > this.stats.maxUsedInWindow) this.stats.maxUsedInWindow = this.used;
    return { ok: true, usedWeight: this.used };
  }

  /** A forced 429 (fault injection) still tells the client to wait. */
  forceWait(untilMs: number): void {
    this.waitUntilMs = Math.max(this.waitUntilMs, untilMs);
  }

  private refuse(status: 429 | 418, untilMs: number, nowMs: number): WeightDecision {
    if (status === 429) this.stats.rejected429++;
    else this.stats.rejected418++;
    return { ok: false, status, retryAfterSec: Math.max(1, Math.ceil((untilMs - nowMs) / 1000)), usedWeight: this.used };
  }

  private roll(nowMs: number): void {
    const index = Math.floor(nowMs / this.windowMs);
    if (index !== this.windowIndex) {
      this.windowIndex = index;
      this.used = 0;
    }
  }
}
