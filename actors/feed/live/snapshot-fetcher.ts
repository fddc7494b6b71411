/**
 * REST depth snapshots (`GET /fapi/v1/depth?symbol=S&limit=1000`), queued:
 * one request in flight per symbol, a repeated request for a symbol already
 * queued is merged, and the whole queue respects Binance's request weight:
 *
 * - `x-mbx-used-weight-1m` of each answer (plus the weight in flight) is
 *   kept under `weightBudget`; past it, requests wait for the next window
 *   (Binance's windows are clock minutes);
 * - 429 and 418: nothing is sent until Retry-After has passed (418 is an IP
 *   ban: logged loudly); the symbol stays first in line;
 * - 5xx, network errors and timeouts: that symbol is retried with jittered
 *   exponential back-off.
 *
 * Nothing is ever given up: a symbol asked for is fetched until it succeeds.
 */
import type { RawFrame } from "../../../src/switchboard.ts";
import { Backoff } from "./backoff.ts";

export interface SnapshotFetcherOptions {
  readonly restBase: string;
  readonly limit?: number;
  /** Weight the client allows itself per window (default 80% of Binance's 2400). */
  readonly weightBudget?: number;
  readonly weightWindowMs?: number;
  readonly requestTimeoutMs?: number;
  readonly retryBaseMs?: number;
  readonly retryCapMs?: number;
  /** Wait after a 429/418 without a usable Retry-After. */
  readonly defaultRetryAfterMs?: number;
  readonly maxConcurrent?: number;
  readonly random?: () => number;
}

export interface SnapshotSink {
  snapshot(frame: RawFrame): void;
  changed(): void;
  log(line: string): void;
}

export interface SnapshotStats {
  requested: number;
  merged: number;
  sent: number;
  ok: number;
  rateLimited429: number;
  banned418: number;
  serverErrors: number;
  networkErrors: number;
  otherErrors: number;
  /** Times a request waited for the weight budget. */
  weightWaits: number;
  /** Last `x-mbx-used-weight-1m` seen. */
  usedWeight: number;
}

/** Weight of `GET /fapi/v1/depth` by limit (Binance documentation). */
export function depthRequestWeight(limit: number): number {
  return limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20;
}

/** Receive times, as for websocket frames. */
const receivedAtMs = () => performance.timeOrigin + performance.now();
/** Wall clock for weight windows and Retry-After: Binance's windows are clock minutes. */
const nowMs = () => Date.now();

export class SnapshotFetcher {
  readonly stats: SnapshotStats = {
    requested: 0,
    merged: 0,
    sent: 0,
    ok: 0,
    rateLimited429: 0,
    banned418: 0,
    serverErrors: 0,
    networkErrors: 0,
    otherErrors: 0,
    weightWaits: 0,
    usedWeight: 0,
  };
  private readonly queue: string[] = [];
  private readonly inFlight = new Set<string>();
  /** Asked for again while in flight: fetched once more afterwards. */
  private readonly again = new Set<string>();
  private readonly retrying = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly backoffs = new Map<string, Backoff>();
  private readonly limit: number;
  private readonly weight: number;
  private readonly budget: number;
  private readonly windowMs: number;
  private headerWindow = -1;
  private inFlightWeight = 0;
  /** No request before this time (Retry-After, or the next weight window). */
  private blockedUntilMs = 0;
  private wakeTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly options: SnapshotFetcherOptions,
    private readonly sink: SnapshotSink,
  ) {
    this.limit = options.limit ?? 1000;
    this.weight = depthRequestWeight(this.limit);
    this.budget = options.weightBudget ?? 1920;
    this.windowMs = options.weightWindowMs ?? 60_000;
    if (this.weight > this.budget) throw new RangeError(`weight budget ${this.budget} is below one depth request's weight ${this.weight}`);
  }

  get queued(): number {
    return this.queue.length + this.retrying.size;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get blockedUntil(): number {
    return this.blockedUntilMs;
  }

  request(symbol: string): void {
    if (this.stopped) return;
    this.stats.requested++;
    if (this.queue.includes(symbol) || this.retrying.has(symbol)) {
      this.stats.merged++;
      return;
    }
    if (this.inFlight.has(symbol)) {
      this.stats.merged++;
      this.again.add(symbol);
      return;
    }
    this.queue.push(symbol);
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.wakeTimer);
    for (const timer of this.retrying.values()) clearTimeout(timer);
    this.retrying.clear();
    this.queue.length = 0;
  }

  /** Weight used in the current window as far as the client knows: the last header plus what is in flight. */
  private usedWeight(now: number): number {
    const window = Math.floor(now / this.windowMs);
    return (window === this.headerWindow ? this.stats.usedWeight : 0) + this.inFlightWeight;
  }

  private pump(): void {
    if (this.stopped) return;
    const maxConcurrent = this.options.maxConcurrent ?? 4;
    while (this.queue.length > 0 && this.inFlight.size < maxConcurrent) {
      const now = nowMs();
      if (now < this.blockedUntilMs) return this.wakeAt(this.blockedUntilMs);
      if (this.usedWeight(now) + this.weight > this.budget) {
        if (this.inFlight.size > 0) return; // an answer will bring a fresh header
        this.stats.weightWaits++;
        // Windows are aligned to the clock; a little slack for clocks that differ.
        this.blockedUntilMs = (Math.floor(now / this.windowMs) + 1) * this.windowMs + 50;
        this.sink.log(`snapshots: weight ${this.usedWeight(now)} + ${this.weight} would pass the budget ${this.budget}; waiting ${(this.blockedUntilMs - now).toFixed(0)} ms`);
        return this.wakeAt(this.blockedUntilMs);
      }
      this.send(this.queue.shift()!);
    }
  }

  private wakeAt(timeMs: number): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => this.pump(), Math.max(0, timeMs - nowMs()));
  }

  private async send(symbol: string): Promise<void> {
    this.inFlight.add(symbol);
    this.inFlightWeight += this.weight;
    this.stats.sent++;
    this.sink.changed();
    const url = `${this.options.restBase.replace(/\/+$/, "")}/fapi/v1/depth?symbol=${encodeURIComponent(symbol)}&limit=${this.limit}`;
    let outcome: "ok" | "limited" | "retry" = "retry";
    let text = "";
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000) });
      text = await response.text();
      this.readWeight(response.headers.get("x-mbx-used-weight-1m"));
      if (response.ok) outcome = "ok";
      else if (response.status === 429 || response.status === 418) {
        outcome = "limited";
        this.rateLimited(symbol, response.status, response.headers.get("retry-after"), text);
      } else if (response.status >= 500) {
        this.stats.serverErrors++;
        this.sink.log(`snapshot ${symbol}: HTTP ${response.status} ${text.slice(0, 120)}`);
      } else {
        this.stats.otherErrors++;
        this.sink.log(`snapshot ${symbol}: HTTP ${response.status} ${text.slice(0, 120)}; retrying with back-off`);
      }
    } catch (error) {
      this.stats.networkErrors++;
      this.sink.log(`snapshot ${symbol}: ${(error as Error).name}: ${(error as Error).message}`);
    }
    this.inFlight.delete(symbol);
    this.inFlightWeight -= this.weight;
    if (this.stopped) return;
    if (outcome === "ok") {
      this.stats.ok++;
      this.backoffs.get(symbol)?.reset();
      // Delivered after the bookkeeping, so a request made from inside the sink is queued normally.
      this.sink.snapshot({ localTsMs: receivedAtMs(), text, symbol });
    } else if (outcome === "limited") {
      this.again.delete(symbol);
      this.queue.unshift(symbol);
    } else {
      this.again.delete(symbol);
      this.retryLater(symbol);
    }
    // Asked for again while this one was in flight: the book may need a newer snapshot than this one.
    if (this.again.delete(symbol) && !this.queue.includes(symbol)) this.queue.push(symbol);
    this.sink.changed();
    this.pump();
  }

  private readWeight(header: string | null): void {
    const used = Number(header);
    if (header === null || !Number.isFinite(used)) return;
    this.stats.usedWeight = used;
    this.headerWindow = Math.floor(nowMs() / this.windowMs);
  }

  private rateLimited(symbol: string, status: number, retryAfter: string | null, body: string): void {
    const seconds = Number(retryAfter);
    const waitMs = retryAfter !== null && seconds >= 0 ? seconds * 1000 : (this.options.defaultRetryAfterMs ?? 60_000);
    this.blockedUntilMs = Math.max(this.blockedUntilMs, nowMs() + waitMs);
    if (status === 418) {
      this.stats.banned418++;
      this.sink.log(`snapshot ${symbol}: HTTP 418, IP banned by the exchange for ${(waitMs / 1000).toFixed(0)} s: ${body.slice(0, 120)}`);
    } else {
      this.stats.rateLimited429++;
      this.sink.log(`snapshot ${symbol}: HTTP 429, waiting ${(waitMs / 1000).toFixed(0)} s (Retry-After)`);
    }
  }

  private retryLater(symbol: string): void {
    let backoff = this.backoffs.get(symbol);
    if (!backoff) {
      backoff = new Backoff(this.options.retryBaseMs ?? 250, this.options.retryCapMs ?? 10_000, this.options.random);
      this.backoffs.set(symbol, backoff);
    }
    const delayMs = backoff.nextDelayMs();
    this.retrying.set(
      symbol,
      setTimeout(() => {
        this.retrying.delete(symbol);
        if (!this.stopped && !this.queue.includes(symbol)) {
          this.queue.push(symbol);
          this.pump();
        }
      }, delayMs),
    );
  }
}
