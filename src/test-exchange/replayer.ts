/**
 * Paces a timeline: each event goes out when the wall clock reaches its
 * recorded time divided by `speed`, or as fast as the sockets drain
 * ("max"), in order. Loops (shifting ids and times forward) or stops at the
 * end. No I/O of its own: `publish` does the sending.
 */
import { eventOnLoop, type ReplayEvent, type Timeline } from "./timeline.ts";

export type ReplaySpeed = number | "max";

export interface ReplayerHooks {
  publish(event: ReplayEvent): void;
  /** Called before the first event of loop `loop` >= 1. */
  looped(loop: number): void;
  finished(): void;
  /** "max" speed waits while this is true, so nothing is dropped for backpressure. */
  backpressured(): boolean;
}

/** Events published per turn of the event loop at "max" speed, so REST requests are still served. */
const MAX_SPEED_BATCH = 64;

export class Replayer {
  private index = 0;
  private loop = 0;
  private wallStartMs = 0;
  private recordedStartMs = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  state: "idle" | "running" | "paused" | "finished" = "idle";
  published = 0;

  constructor(
    private readonly timeline: Timeline,
    private speed: ReplaySpeed,
    private readonly loops: boolean,
    private readonly hooks: ReplayerHooks,
  ) {
    if (speed !== "max" && !(speed > 0)) throw new RangeError(`replay speed must be > 0 or "max": speed=${speed}`);
  }

  start(): void {
    if (this.state !== "idle" && this.state !== "paused") return;
    if (this.timeline.events.length === 0) {
      this.finish();
      return;
    }
    this.state = "running";
    this.anchor();
    this.schedule(0);
  }

  pause(): void {
    if (this.state !== "running") return;
    this.state = "paused";
    this.cancel();
  }

  setSpeed(speed: ReplaySpeed): void {
    this.speed = speed;
    if (this.state === "running") {
      this.anchor();
      this.cancel();
      this.schedule(0);
    }
  }

  stop(): void {
    this.cancel();
    if (this.state !== "finished") this.state = "paused";
  }

  /** Recorded time of the next event on the current loop. */
  private nextTsMs(): number {
    return this.timeline.events[this.index]!.tsMs + this.loop * this.timeline.tsSpanMs;
  }

  /** Makes the next event due now. */
  private anchor(): void {
    this.wallStartMs = performance.now();
    this.recordedStartMs = this.index < this.timeline.events.length ? this.nextTsMs() : 0;
  }

  private schedule(delayMs: number): void {
    if (delayMs <= 0 && this.speed === "max") this.immediate = setImmediate(this.pump);
    else this.timer = setTimeout(this.pump, Math.max(0, delayMs));
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private readonly pump = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    if (this.state !== "running") return;
    const events = this.timeline.events;
    const max = this.speed === "max";
    if (max && this.hooks.backpressured()) {
      this.timer = setTimeout(this.pump, 1);
      return;
    }
    let budget = max ? MAX_SPEED_BATCH : Number.POSITIVE_INFINITY;
    const nowMs = performance.now();
    while (budget-- > 0) {
      if (this.index >= events.length) {
        if (!this.loops) {
          this.finish();
          return;
        }
        this.index = 0;
        this.loop++;
        this.hooks.looped(this.loop);
      }
      if (!max) {
        const dueMs = this.wallStartMs + (this.nextTsMs() - this.recordedStartMs) / (this.speed as number);
        if (dueMs > nowMs) {
          this.schedule(dueMs - nowMs);
          return;
        }
      }
      const event = eventOnLoop(this.timeline, events[this.index]!, this.loop);
      this.index++;
      this.published++;
      this.hooks.publish(event);
      if (this.state !== "running") return;
    }
    this.schedule(0);
  };

  private finish(): void {
    this.state = "finished";
    this.hooks.finished();
  }
}
