/**
 * `--record DIR`: every raw frame, one line `<recv_ns> <raw json>`, gzip,
 * one file per symbol per UTC hour (`btcusdt_20260126_14.gz`; frames that
 * name no symbol go to `genesis_20260126_14.gz`). That is hftbacktest's
 * format, so our recordings and theirs replay through the same reader. REST
 * snapshots are written bare, into their symbol's file, exactly as
 * hftbacktest does; the reader attributes them to the file's symbol.
 *
 * The live path must never wait on the disk: `write` only queues text into
 * a streaming gzip; I/O errors, and frames arriving while a file's queue is
 * over `maxBufferedBytes` (a stalled disk), are counted, never thrown. A
 * file reopened within its hour (restart) is appended to as a new gzip
 * member, which gzip readers (and ours) read as one stream. A sync flush
 * every `flushIntervalMs` bounds what a crash can lose.
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import path from "node:path";
import { constants, createGzip, type Gzip } from "node:zlib";
import type { RawFrame } from "../../../src/switchboard.ts";
import { frameSymbol } from "./frame-symbol.ts";
import { msToNsText } from "./timestamps.ts";

export interface FrameRecorderOptions {
  readonly dir: string;
  /** Wall clock in epoch ms; decides the hour file (default Date.now). */
  readonly clock?: () => number;
  /** Sync-flush interval, also when idle hour files are closed; 0 disables the timer (default 1000). */
  readonly flushIntervalMs?: number;
  /** Per-file queue above which frames are dropped and counted (default 64 MiB). */
  readonly maxBufferedBytes?: number;
  /** Told about each I/O error once (default: none; they are counted). */
  readonly onError?: (error: Error) => void;
}

export interface RecorderCounts {
  framesWritten: number;
  /** Not written: disk stalled past maxBufferedBytes, file broken by an I/O error, or recorder closed. */
  framesDropped: number;
  /** Uncompressed bytes queued. */
  bytesWritten: number;
  filesOpened: number;
  errors: number;
}

interface OpenFile {
  readonly path: string;
  readonly gzip: Gzip;
  readonly closed: Promise<void>;
  broken: boolean;
}

const HOUR_MS = 3_600_000;

/** `btcusdt_20260126_14.gz` for the hour holding `tsMs`. */
export function recordingFileName(symbol: string | undefined, tsMs: number): string {
  return `${(symbol ?? "genesis").toLowerCase()}_${hourSuffix(tsMs)}`;
}

/** `20260126_14.gz`: the UTC hour holding `tsMs`. */
function hourSuffix(tsMs: number): string {
  const iso = new Date(Math.floor(tsMs / HOUR_MS) * HOUR_MS).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}.gz`;
}

export class FrameRecorder {
  readonly counts: RecorderCounts = { framesWritten: 0, framesDropped: 0, bytesWritten: 0, filesOpened: 0, errors: 0 };
  /** Every file path written to, in the order first opened. */
  readonly paths: string[] = [];
  private readonly dir: string;
  private readonly clock: () => number;
  private readonly maxBufferedBytes: number;
  private readonly onError: ((error: Error) => void) | undefined;
  /** This hour's open files by symbol (lower case; "genesis" for frames naming none). */
  private open = new Map<string, OpenFile>();
  private hour = Number.NaN;
  private suffix = "";
  private readonly closing = new Set<Promise<void>>();
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  /** Creates `dir` if needed; throws when that fails (a bad `--record` path is a startup error). */
  constructor(options: FrameRecorderOptions) {
    this.dir = options.dir;
    this.clock = options.clock ?? Date.now;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
    this.onError = options.onError;
    mkdirSync(this.dir, { recursive: true });
    const flushIntervalMs = options.flushIntervalMs ?? 1000;
    if (flushIntervalMs > 0) {
      this.timer = setInterval(() => this.tick(), flushIntervalMs);
      this.timer.unref?.();
    }
  }

  write(frame: RawFrame): void {
    try {
      if (this.closed) {
        this.counts.framesDropped++;
        return;
      }
      const nowMs = this.clock();
      this.rotateIfNewHour(nowMs);
      const key = frameSymbol(frame)?.toLowerCase() ?? "genesis";
      const file = this.open.get(key) ?? this.openFile(key);
      if (file.broken || file.gzip.writableLength > this.maxBufferedBytes) {
        this.counts.framesDropped++;
        return;
      }
      // Valid JSON has no raw line breaks inside strings, so turning them into spaces keeps the frame's meaning and the one-line format.
      const text = frame.text.includes("\n") || frame.text.includes("\r") ? frame.text.replace(/[\r\n]/g, " ") : frame.text;
      const line = `${msToNsText(frame.localTsMs)} ${text}\n`;
      file.gzip.write(line);
      this.counts.framesWritten++;
      this.counts.bytesWritten += line.length;
    } catch (error) {
      this.counts.framesDropped++;
      this.fail(error);
    }
  }

  /** Flushes and closes every file; resolves once they are on disk (or failed, counted). */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      if (this.timer) clearInterval(this.timer);
      this.closeAll();
    }
    await Promise.all([...this.closing]);
  }

  private tick(): void {
    try {
      this.rotateIfNewHour(this.clock());
      for (const file of this.open.values()) if (!file.broken) file.gzip.flush(constants.Z_SYNC_FLUSH);
    } catch (error) {
      this.fail(error);
    }
  }

  private rotateIfNewHour(nowMs: number): void {
    const hour = Math.floor(nowMs / HOUR_MS);
    if (hour === this.hour) return;
    this.hour = hour;
    this.suffix = hourSuffix(nowMs);
    this.closeAll();
  }

  private closeAll(): void {
    for (const file of this.open.values()) {
      file.gzip.end();
      this.closing.add(file.closed);
      void file.closed.then(() => this.closing.delete(file.closed));
    }
    this.open = new Map();
  }

  private openFile(key: string): OpenFile {
    const filePath = path.join(this.dir, `${key}_${this.suffix}`);
    const gzip = createGzip();
    const out: WriteStream = createWriteStream(filePath, { flags: "a" });
    gzip.pipe(out);
    let file: OpenFile;
    const breakFile = (error: Error) => {
      if (file.broken) return;
      file.broken = true;
      this.fail(error);
      gzip.unpipe(out);
      gzip.destroy();
      out.destroy();
    };
    const closed = new Promise<void>((resolve) => {
      out.once("close", resolve);
      out.once("error", (error) => {
        breakFile(error);
        resolve();
      });
    });
    gzip.on("error", breakFile);
    file = { path: filePath, gzip, closed, broken: false };
    this.open.set(key, file);
    this.counts.filesOpened++;
    if (!this.paths.includes(filePath)) this.paths.push(filePath);
    return file;
  }

  private fail(error: unknown): void {
    this.counts.errors++;
    this.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}
