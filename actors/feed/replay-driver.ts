/**
 * Drives recordings as a feed (`--mode replay`): pure scheduling around
 * `readRecording`, like SimDriver around the simulator; the feed actor owns
 * its lifecycle and wires the sink to the book actor.
 *
 * Pacing follows the recorded receive times scaled by `speed`; "max" sends
 * batch after batch, yielding to the event loop (setImmediate) between them
 * so HTTP and SSE stay responsive. Frames always carry their RECORDED
 * `localTsMs`, never the replay's wall time, so the same input gives the
 * same frames in the same order, hence the same book and feature events, at
 * any speed. (Batch boundaries depend on pacing except at "max"; the book's
 * output does not depend on them.)
 *
 * Seek forward fast-forwards: the frames in between are still delivered,
 * immediately, so the book stays exact. Seek backward restarts from the
 * first file's beginning (sink.rewound, then a fast-forward): a local book
 * cannot run backwards.
 *
 * A recording holds only the REST snapshots that were recorded. The book's
 * `feed.fetchSnapshot` during replay is answered by `requestSnapshot`, which
 * only counts: a gap in a replay (a recording with missing messages)
 * recovers at the next snapshot in the recording, if there is one; until
 * then the book stays stale, exactly as the recording's client was.
 */
import type { RawFrame } from "../../src/switchboard.ts";
import { newReadStats, readRecording, type ReadStats } from "./recordings/read.ts";

export type ReplaySpeed = number | "max";

export interface ReplayPosition {
  /** Recorded receive time of the last frame delivered (the first frame's before any; 0 before the files are opened). */
  readonly tsMs: number;
  /** Frames delivered since the (re)start from the beginning. */
  readonly framesSent: number;
  readonly paused: boolean;
  readonly speed: ReplaySpeed;
  readonly startTsMs?: number;
  /** Known once the end has been reached. */
  readonly endTsMs?: number;
  readonly finished: boolean;
}

export interface ReplaySink {
  frames(frames: RawFrame[]): void;
  finished(): void;
  position?(position: ReplayPosition): void;
  /** A backward seek restarts from the beginning: reset the books before the frames that follow. */
  rewound?(): void;
  /** The recordings could not be read (missing file, unknown format). Default: console.error. */
  error?(error: Error): void;
}

export interface ReplayDriverOptions {
  readonly paths: readonly string[];
  /** Where frames come from, opened again at every (re)start; default: readRecording over `paths`. */
  readonly source?: () => AsyncGenerator<RawFrame[]>;
  readonly speed: ReplaySpeed;
  readonly batchFrames?: number;
  /** Wall clock in ms for pacing (default performance.now). */
  readonly clock?: () => number;
}

/** Longest single wait, so a paced replay re-reads the clock at least this often. */
const MAX_SLEEP_MS = 250;

export class ReplayDriver {
  /** Filled by the reader: lines, frames, skipped and malformed lines. */
  readonly stats: ReadStats = newReadStats();
  /** `requestSnapshot` calls per symbol (replay cannot fetch; see the module comment). */
  readonly snapshotRequests = new Map<string, number>();
  private readonly clock: () => number;
  private speed: ReplaySpeed;
  private paused = false;
  private started = false;
  private stopped = false;
  private finished = false;
  /** Bumped by stop and backward seeks: a run whose epoch is stale ends at its next step. */
  private epoch = 0;
  private framesSent = 0;
  private lastTsMs: number | undefined;
  private startTsMs: number | undefined;
  private endTsMs: number | undefined;
  private seekTargetTsMs: number | undefined;
  /** Pacing: recorded time `tsMs` corresponds to wall time `wallMs`. */
  private anchor: { wallMs: number; tsMs: number } | undefined;
  private pausedAtTsMs: number | undefined;
  private wakeUp: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: ReplayDriverOptions,
    private readonly sink: ReplaySink,
  ) {
    checkSpeed(options.speed);
    this.speed = options.speed;
    this.clock = options.clock ?? (() => performance.now());
  }

  get position(): ReplayPosition {
    return {
      tsMs: this.lastTsMs ?? this.startTsMs ?? 0,
      framesSent: this.framesSent,
      paused: this.paused,
      speed: this.speed,
      startTsMs: this.startTsMs,
      endTsMs: this.endTsMs,
      finished: this.finished,
    };
  }

  /** Starts on the next turn of the event loop, once every actor of the system exists. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const epoch = this.epoch;
    setImmediate(() => void this.run(epoch));
  }

  pause(): void {
    if (this.paused || this.stopped) return;
    this.pausedAtTsMs = this.recordedNowMs();
    this.paused = true;
    this.report();
  }

  resume(): void {
    if (!this.paused || this.stopped) return;
    this.paused = false;
    this.anchor = this.pausedAtTsMs === undefined ? undefined : { wallMs: this.clock(), tsMs: this.pausedAtTsMs };
    this.wake();
    this.report();
  }

  setSpeed(speed: ReplaySpeed): void {
    checkSpeed(speed);
    // Continue from where the replay clock is now, at the new rate.
    const nowTsMs = this.paused ? this.pausedAtTsMs : this.recordedNowMs();
    this.speed = speed;
    this.anchor = nowTsMs === undefined ? undefined : { wallMs: this.clock(), tsMs: nowTsMs };
    this.wake();
    this.report();
  }

  seek(tsMs: number): void {
    if (!Number.isFinite(tsMs)) throw new RangeError(`seek target must be a finite epoch ms: tsMs=${tsMs}`);
    if (this.stopped) return;
    const backward = this.lastTsMs !== undefined && tsMs < this.lastTsMs;
    if (this.finished && !backward) return; // already past it: nothing left to deliver
    this.seekTargetTsMs = tsMs;
    if (backward) {
      this.epoch++;
      this.framesSent = 0;
      this.lastTsMs = undefined;
      this.finished = false;
      this.anchor = undefined;
      this.sink.rewound?.();
      if (this.started) {
        const epoch = this.epoch;
        setImmediate(() => void this.run(epoch));
      }
    }
    this.wake();
    this.report();
  }

  stop(): void {
    this.stopped = true;
    this.epoch++;
    this.wake();
  }

  /** The book asked for a REST snapshot: nothing to fetch in a recording; counted. */
  requestSnapshot(symbol: string): void {
    this.snapshotRequests.set(symbol, (this.snapshotRequests.get(symbol) ?? 0) + 1);
  }

  private async run(epoch: number): Promise<void> {
    const reader = this.options.source?.() ?? readRecording(this.options.paths, { batchFrames: this.options.batchFrames, stats: this.stats });
    const batchFrames = this.options.batchFrames ?? 1024;
    let buffer: RawFrame[] = [];
    let next = 0;
    try {
      for (;;) {
        if (epoch !== this.epoch) return;
        if (next >= buffer.length) {
          const result = await reader.next();
          if (epoch !== this.epoch) return;
          if (result.done) break;
          buffer = result.value;
          next = 0;
          this.startTsMs ??= buffer[0]!.localTsMs;
          continue;
        }
        const nextTsMs = buffer[next]!.localTsMs;
        const target = this.seekTargetTsMs;
        const fastForward = target !== undefined && nextTsMs < target;
        if (target !== undefined && !fastForward) this.arriveAt(target);
        if (!fastForward && this.paused) {
          await this.waitForWake();
          continue;
        }
        let limitTsMs = Number.POSITIVE_INFINITY;
        if (!fastForward && this.speed !== "max") {
          this.anchor ??= { wallMs: this.clock(), tsMs: nextTsMs };
          limitTsMs = this.recordedNowMs()!;
          if (nextTsMs > limitTsMs) {
            await this.sleep(Math.min(MAX_SLEEP_MS, (nextTsMs - limitTsMs) / this.speed));
            continue;
          }
        }
        const batch: RawFrame[] = [];
        while (next < buffer.length && batch.length < batchFrames) {
          const tsMs = buffer[next]!.localTsMs;
          if (fastForward ? tsMs >= target! : tsMs > limitTsMs) break;
          batch.push(buffer[next++]!);
        }
        this.framesSent += batch.length;
        this.lastTsMs = batch[batch.length - 1]!.localTsMs;
        this.sink.frames(batch);
        this.report();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (this.seekTargetTsMs !== undefined) this.arriveAt(this.seekTargetTsMs);
      this.finished = true;
      this.endTsMs = this.lastTsMs;
      this.sink.finished();
      this.report();
    } catch (error) {
      if (epoch !== this.epoch) return;
      const failure = error instanceof Error ? error : new Error(String(error));
      if (this.sink.error) this.sink.error(failure);
      else console.error(`replay failed: ${failure.message}`);
    } finally {
      await reader.return(undefined);
    }
  }

  /** A seek has delivered everything before its target: pace on from the target. */
  private arriveAt(targetTsMs: number): void {
    this.seekTargetTsMs = undefined;
    this.anchor = { wallMs: this.clock(), tsMs: targetTsMs };
    if (this.paused) this.pausedAtTsMs = targetTsMs;
  }

  /** Where the paced replay clock stands (recorded ms), or the last frame sent when not pacing. */
  private recordedNowMs(): number | undefined {
    if (this.speed === "max" || this.anchor === undefined || this.paused) return this.lastTsMs ?? this.pausedAtTsMs;
    return this.anchor.tsMs + (this.clock() - this.anchor.wallMs) * this.speed;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      this.timer = setTimeout(() => this.wake(), ms);
    });
  }

  private waitForWake(): Promise<void> {
    return new Promise((resolve) => (this.wakeUp = resolve));
  }

  private wake(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }

  private report(): void {
    this.sink.position?.(this.position);
  }
}

function checkSpeed(speed: ReplaySpeed): void {
  if (speed !== "max" && !(typeof speed === "number" && speed > 0 && Number.isFinite(speed))) {
    throw new RangeError(`replay speed must be a positive number or "max": speed=${String(speed)}`);
  }
}
