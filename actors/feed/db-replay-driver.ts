/**
 * Replays recorded sessions from the database (`--mode replay --from-db
 * --symbols S --start ISO --end ISO`) through the same actors as a file
 * replay: the same sink (ReplaySink) and the same controls (pause, resume,
 * setSpeed, seek, stop, requestSnapshot) as ReplayDriver, with the same
 * meaning; see replay-driver.ts. Only the source differs: readDbFrames
 * (db-frames.ts) turns book_snapshots and trades rows into the Binance frames
 * the book actor decodes, streamed a page at a time.
 *
 * Pacing follows the recorded receive times (`localTsMs`) scaled by `speed`;
 * "max" yields to the event loop between batches. Frames carry their
 * recorded times, so a replay is deterministic at any speed. Seek forward
 * fast-forwards (the frames in between are delivered at once, so the
 * analytics windows see every event); seek backward restarts from the start
 * of the range (sink.rewound, then a fast-forward).
 *
 * `requestSnapshot` only counts: every recorded book is itself a snapshot,
 * so a book that asks for one recovers at the next recorded sample.
 */
import type { Sql } from "postgres";
import type { RawFrame } from "../../src/switchboard.ts";
import { type DbReadStats, newDbReadStats, readDbFrames } from "./db-frames.ts";
import type { ReplayPosition, ReplaySink, ReplaySpeed } from "./replay-driver.ts";

export interface DbReplayDriverOptions {
  readonly sql: Sql;
  readonly symbols: readonly string[];
  /** Exchange-time range [fromMs, toMs) to replay. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly speed: ReplaySpeed;
  readonly batchFrames?: number;
  /** Rows per query per (table, symbol); default db-frames.ts's. */
  readonly pageRows?: number;
  /** Wall clock in ms for pacing (default performance.now). */
  readonly clock?: () => number;
}

/** Longest single wait, so a paced replay re-reads the clock at least this often. */
const MAX_SLEEP_MS = 250;

export class DbReplayDriver {
  /** Rows read since the (re)start: snapshots, trades, stale snapshots skipped, queries. */
  stats: DbReadStats = newDbReadStats();
  /** `requestSnapshot` calls per symbol. */
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
    private readonly options: DbReplayDriverOptions,
    private readonly sink: ReplaySink,
  ) {
    checkSpeed(options.speed);
    if (!(Number.isFinite(options.fromMs) && Number.isFinite(options.toMs) && options.fromMs < options.toMs)) {
      throw new RangeError(`replay range must be finite with from < to: fromMs=${options.fromMs}, toMs=${options.toMs}`);
    }
    if (options.symbols.length === 0) throw new RangeError("replay from the database needs at least one symbol");
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

  /** The book asked for a REST snapshot: the next recorded sample is one; counted. */
  requestSnapshot(symbol: string): void {
    this.snapshotRequests.set(symbol, (this.snapshotRequests.get(symbol) ?? 0) + 1);
  }

  private async run(epoch: number): Promise<void> {
    const { sql, symbols, fromMs, toMs, pageRows } = this.options;
    const batchFrames = this.options.batchFrames ?? 1024;
    this.stats = newDbReadStats();
    const reader = readDbFrames(sql, { symbols, fromMs, toMs, pageRows, batchFrames, stats: this.stats });
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
      else console.error(`replay from the database failed: ${failure.message}`);
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
