/**
 * ReplayControls for the web layer's tests and dev harness, modelled on the
 * feed actor: its state (running, paused, finished) changes as a command is
 * taken, while the position is what the driver last reported, which can lag
 * by `reportDelayMs` (the real driver reports from its own loop).
 */
import type { PlaybackCommand } from "../../actors/feed/drivers.ts";
import type { ReplayPosition } from "../../actors/feed/replay-driver.ts";
import type { ReplayControls } from "../deps.ts";

/** The driver's report; `finished` is derived from the fake's state. */
export type FakePosition = Omit<ReplayPosition, "finished">;

/** Recorded milliseconds per wall millisecond at speed "max". */
const MAX_FACTOR = 1000;

export class FakeReplay implements ReplayControls {
  state: "running" | "paused" | "finished" = "running";
  /** What the driver last reported; null before its first report. */
  reported: FakePosition | null;
  readonly commands: PlaybackCommand[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    start: FakePosition | null,
    /** 0: the position follows the command synchronously. */
    readonly reportDelayMs = 0,
    /** Where the recording ends; like the real driver, reported as `endTsMs` only once reached. */
    readonly hiddenEndTsMs?: number,
  ) {
    this.reported = start;
  }

  position(): (ReplayPosition & { state: string }) | null {
    // A fresh object per report, as the feed actor's context holds the driver's latest report.
    return this.reported ? { ...this.reported, finished: this.state === "finished", state: this.state } : null;
  }

  command(command: PlaybackCommand): void {
    this.commands.push(command);
    if (command.type === "feed.pause" && this.state === "running") this.state = "paused";
    else if (command.type === "feed.resume" && this.state === "paused") this.state = "running";
    else if (command.type === "feed.seek" && this.state === "finished") this.state = "running";
    const apply = () => this.apply(command);
    if (this.reportDelayMs > 0) setTimeout(apply, this.reportDelayMs);
    else apply();
  }

  private apply(command: PlaybackCommand): void {
    const p = this.reported;
    if (p === null) return;
    switch (command.type) {
      case "feed.pause":
        this.reported = { ...p, paused: true };
        break;
      case "feed.resume":
        this.reported = { ...p, paused: false };
        break;
      case "feed.setSpeed":
        this.reported = { ...p, speed: command.speed };
        break;
      case "feed.seek":
        this.reported = { ...p, tsMs: command.tsMs };
        break;
    }
  }

  /** Plays `wallMs` of wall time: the clock moves by speed × wallMs unless paused. */
  advance(wallMs: number): void {
    const p = this.reported;
    if (p === null || this.state !== "running") return;
    const recordedMs = wallMs * (p.speed === "max" ? MAX_FACTOR : p.speed);
    let tsMs = p.tsMs + recordedMs;
    let endTsMs = p.endTsMs;
    const end = p.endTsMs ?? this.hiddenEndTsMs;
    if (end !== undefined && tsMs >= end) {
      tsMs = end;
      endTsMs = end;
      this.state = "finished";
    }
    this.reported = { ...p, tsMs, endTsMs, framesSent: p.framesSent + Math.max(1, Math.round(recordedMs / 100)) };
  }

  /** For the harness: advance on a wall-clock timer. */
  play(everyMs = 100): this {
    this.timer ??= setInterval(() => this.advance(everyMs), everyMs);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
