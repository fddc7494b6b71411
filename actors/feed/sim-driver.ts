/**
 * Drives a MarketSimulator as a feed: paced to the wall clock (a live-like
 * market) or at full speed (benchmarks, tests). Pure scheduling around the
 * simulator; the feed actor owns its lifecycle.
 */
import type { RawFrame } from "../../src/switchboard.ts";
import { MarketSimulator, type SimFrame } from "./sim/market-simulator.ts";

export interface SimDriverOptions {
  readonly symbols: readonly string[];
  readonly seed: number;
  readonly eventsPerSecondPerSymbol?: number;
  /** false: generate as fast as the pipeline consumes, in chunks. */
  readonly paced: boolean;
  /** Stop after this many frames (full speed only). */
  readonly maxFrames?: number;
  readonly chunkFrames?: number;
  readonly startTsMs?: number;
}

export interface FrameSink {
  frames(frames: RawFrame[]): void;
  finished(): void;
}

const PACE_INTERVAL_MS = 10;
const nowMs = () => performance.timeOrigin + performance.now();

export class SimDriver {
  private readonly simulator: MarketSimulator;
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  framesSent = 0;

  constructor(
    private readonly options: SimDriverOptions,
    private readonly sink: FrameSink,
  ) {
    this.simulator = new MarketSimulator({
      symbols: options.symbols,
      seed: options.seed,
      startTsMs: options.startTsMs ?? Math.floor(Date.now()),
      eventsPerSecondPerSymbol: options.eventsPerSecondPerSymbol,
    });
  }

  /** Starts on the next turn of the event loop, once every actor of the system exists. */
  start(): void {
    setImmediate(() => {
      if (this.stopped) return;
      // A live client starts by fetching each symbol's REST snapshot.
      for (const symbol of this.options.symbols) this.sendSnapshot(symbol);
      if (this.options.paced) this.runPaced();
      else this.runFullSpeed();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  sendSnapshot(symbol: string): void {
    const text = this.simulator.depthSnapshot(symbol, 1000);
    this.sink.frames([{ localTsMs: nowMs(), text, symbol }]);
  }

  private runPaced(): void {
    const wallStartMs = nowMs();
    const simStartMs = this.simulator.nowMs;
    this.timer = setInterval(() => {
      const batch = this.simulator.advanceTo(simStartMs + (nowMs() - wallStartMs));
      if (batch.length > 0) this.emit(batch, nowMs());
    }, PACE_INTERVAL_MS);
  }

  private runFullSpeed(): void {
    const chunk = this.options.chunkFrames ?? 512;
    const limit = this.options.maxFrames ?? Number.POSITIVE_INFINITY;
    const step = () => {
      if (this.stopped) return;
      const count = Math.min(chunk, limit - this.framesSent);
      if (count <= 0) {
        this.sink.finished();
        return;
      }
      this.emit(this.simulator.next(count), undefined);
      setImmediate(step);
    };
    setImmediate(step);
  }

  /** `localTsMs` undefined: full speed, where the exchange time stands in for the receive time. */
  private emit(batch: SimFrame[], localTsMs: number | undefined): void {
    const frames: RawFrame[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const frame = batch[i]!;
      frames[i] = { localTsMs: localTsMs ?? frame.exchTsMs, text: frame.text };
    }
    this.framesSent += frames.length;
    this.sink.frames(frames);
  }
}
