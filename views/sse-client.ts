/**
 * One SSE client: a Fanout subscriber backed by a pull-driven
 * ReadableStream and a bounded queue.
 *
 * Invariants:
 * - `deliver` never blocks and never does I/O: it appends to an array, so a
 *   slow client cannot slow `Fanout.publish`. Encoded messages are joined and
 *   handed to the stream only when the consumer pulls (one chunk per pull).
 * - The queue counts messages not yet pulled. Past `maxQueue` `deliver`
 *   returns false and the Fanout drops the client (and counts the drop),
 *   unless a pull is pending: then the consumer is waiting and takes the
 *   whole backlog in one chunk, however large the publish batch was. Under
 *   Bun.serve a pull is pending only while the socket accepts writes, so a
 *   stalled TCP client stops pulling and is dropped once the bound is hit.
 * - With `throttleMs > 0`, `book` and `features` are conflated per symbol
 *   (latest wins); trades and status always pass. A conflated message may
 *   go out after messages with higher ids: ids order publication, not
 *   delivery, and this feed offers no resume.
 */
import type { HubEventName, HubMessage, Subscriber } from "../actors/hub/fanout.ts";
import { Conflator } from "./conflate.ts";
import { SSE_PING, encodeSse, encodeSseComment } from "./sse.ts";

export interface SseClientOptions {
  readonly symbols: ReadonlySet<string> | null;
  readonly events: ReadonlySet<HubEventName>;
  readonly maxQueue: number;
  readonly heartbeatMs: number;
  readonly throttleMs: number;
  readonly nowMs?: () => number;
  /** Called as messages are written to the stream, with milliseconds since their frame was received. */
  readonly onWritten?: (latencyMs: number) => void;
}

const utf8 = new TextEncoder();
/** A message is shared by every subscriber that gets it: encode it once. */
const encodedCache = new WeakMap<HubMessage, string>();

export function encodeHubMessage(message: HubMessage): string {
  let bytes = encodedCache.get(message);
  if (bytes === undefined) {
    bytes = encodeSse(message);
    encodedCache.set(message, bytes);
  }
  return bytes;
}

const SYMBOL_PREFIX = '{"symbol":"';

/** The payloads (actors/hub/payloads.ts) start with the symbol; fall back to parsing. */
export function symbolOf(data: string): string {
  if (data.startsWith(SYMBOL_PREFIX)) {
    const end = data.indexOf('"', SYMBOL_PREFIX.length);
    const symbol = data.slice(SYMBOL_PREFIX.length, end);
    if (end > 0 && !symbol.includes("\\")) return symbol;
  }
  const parsed = JSON.parse(data) as { symbol?: unknown };
  return typeof parsed.symbol === "string" ? parsed.symbol : "";
}

export class SseClient implements Subscriber {
  readonly symbols: ReadonlySet<string> | null;
  readonly events: ReadonlySet<HubEventName>;
  readonly stream: ReadableStream<Uint8Array>;
  /** Receive times of the market messages in `queue`, when latency is observed. */
  private receivedAtMs: number[] = [];
  /** Encoded messages not yet pulled by the consumer. */
  private queue: string[] = [];
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  /** Resolves the pending pull once something is queued. */
  private wake: (() => void) | null = null;
  private flushScheduled = false;
  private closed = false;
  /** The stream itself is closed (after `closed`, once the last chunk went out). */
  private ended = false;
  private unsubscribe: (() => void) | null = null;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly conflator: Conflator<HubMessage> | null;
  private conflateTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly nowMs: () => number;
  closeReason: string | null = null;

  constructor(private readonly options: SseClientOptions) {
    this.symbols = options.symbols;
    this.events = options.events;
    this.nowMs = options.nowMs ?? (() => performance.now());
    this.conflator = options.throttleMs > 0 ? new Conflator(options.throttleMs) : null;
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () => {
          if (this.queue.length > 0 || this.closed) {
            this.flush();
            return;
          }
          return new Promise<void>((resolve) => {
            this.wake = resolve;
          });
        },
        cancel: () => this.dispose("client cancelled the stream"),
      },
      // Pull only when the consumer reads: the queue, not the stream, buffers.
      { highWaterMark: 0 },
    );
    this.heartbeat = setInterval(() => {
      if (this.queue.length === 0) this.push(SSE_PING);
    }, options.heartbeatMs);
    (this.heartbeat as { unref?: () => void }).unref?.();
  }

  get queuedMessages(): number {
    return this.queue.length;
  }

  /** Subscribes through `subscribe` and ties the subscription to `signal` (the request's). */
  attach(subscribe: (subscriber: Subscriber) => () => void, signal?: AbortSignal): void {
    this.push(encodeSseComment("genesis feed"));
    if (signal?.aborted) return this.dispose("client went away");
    signal?.addEventListener("abort", () => this.dispose("client went away"), { once: true });
    const unsubscribe = subscribe(this);
    if (this.closed) unsubscribe();
    else this.unsubscribe = unsubscribe;
  }

  deliver(message: HubMessage): boolean {
    if (this.closed) return false;
    if (this.conflator !== null && (message.event === "book" || message.event === "features")) {
      const key = `${message.event}:${symbolOf(message.data)}`;
      if (!this.conflator.offer(key, message, this.nowMs())) {
        this.armConflateTimer();
        return true;
      }
    }
    this.push(encodeHubMessage(message));
    if (this.options.onWritten && !Number.isNaN(message.localTsMs)) this.receivedAtMs.push(message.localTsMs);
    // A pending pull has already asked for everything queued (it is flushed in one chunk after
    // this publish), so only a backlog the consumer has not asked for counts against the bound.
    // Without this, one large publish batch would drop even a client that keeps up.
    return this.wake !== null || this.queue.length <= this.options.maxQueue;
  }

  close(reason: string): void {
    this.dispose(reason);
  }

  private push(bytes: string): void {
    this.queue.push(bytes);
    // Join a whole publish batch into one chunk: flush after the current task.
    if (this.wake !== null && !this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => {
        this.flushScheduled = false;
        const wake = this.wake;
        if (wake === null) return;
        this.wake = null;
        this.flush();
        wake();
      });
    }
  }

  private flush(): void {
    if (this.queue.length > 0) {
      const chunk = this.queue.length === 1 ? this.queue[0]! : this.queue.join("");
      this.queue = [];
      this.controller.enqueue(utf8.encode(chunk));
      if (this.receivedAtMs.length > 0) {
        const nowMs = performance.timeOrigin + performance.now();
        for (const receivedAtMs of this.receivedAtMs) this.options.onWritten!(nowMs - receivedAtMs);
        this.receivedAtMs = [];
      }
    }
    if (this.closed && !this.ended) {
      this.ended = true;
      this.controller.close();
    }
  }

  private armConflateTimer(): void {
    if (this.conflateTimer !== null || this.closed) return;
    const due = this.conflator!.nextDueMs();
    if (due === undefined) return;
    this.conflateTimer = setTimeout(
      () => {
        this.conflateTimer = null;
        if (this.closed) return;
        for (const message of this.conflator!.takeDue(this.nowMs())) this.push(encodeHubMessage(message));
        this.armConflateTimer();
      },
      Math.max(0, due - this.nowMs()),
    );
  }

  /** Idempotent: stops timers, leaves the fan-out, ends the stream with a comment saying why. */
  private dispose(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    clearInterval(this.heartbeat);
    if (this.conflateTimer !== null) clearTimeout(this.conflateTimer);
    this.conflator?.clear();
    this.unsubscribe?.();
    this.unsubscribe = null;
    // Drop what the client never read: it is gone or too slow to catch up.
    this.queue = [encodeSseComment(`closed: ${reason}`)];
    const wake = this.wake;
    this.wake = null;
    if (wake !== null) {
      try {
        this.flush();
      } catch {
        // The stream was cancelled: nothing left to tell.
      }
      wake();
    }
  }
}
