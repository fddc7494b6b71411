/**
 * Recordings in, RawFrames out: the one entry point replay, the test
 * exchange and export use to read market data files.
 *
 * Formats are recognised by content (the first lines), never by file name:
 * hftbacktest / our recorder (`<recv ns|us> <json>`), cryptofeed
 * (`<unix s>: <json>`, REST lines), and Tardis.dev CSV (by header row).
 * Every file is streamed (gzip or plain text, by magic bytes) and the files
 * are merged by local receive time, so a cryptofeed websocket file and its
 * REST file interleave as they arrived, and day files follow each other.
 * Equal times keep the order of `paths`. Frames come out exactly as the
 * live feed hands them to the decoder (REST snapshots with `symbol` set).
 */
import type { RawFrame, SymbolSpec } from "../../../src/switchboard.ts";
import { connectionSymbols, cryptofeedParser, isConnectionLine, readExchangeInfoSpecs } from "./cryptofeed.ts";
import { frameSymbol } from "./frame-symbol.ts";
import { hftbacktestParser } from "./hftbacktest.ts";
import { readLineChunks } from "./lines.ts";
import { type LineParser, newReadStats, type ReadStats } from "./parser.ts";
import { type TardisKind, tardisKindOf, tardisParser } from "./tardis.ts";
import path from "node:path";

export type { ReadStats } from "./parser.ts";
export { newReadStats } from "./parser.ts";
export type RecordingFormat = "hftbacktest" | "cryptofeed" | TardisKind;

export interface ReadOptions {
  /** Frames per yielded batch (default 1024); the last batch may be shorter. */
  readonly batchFrames?: number;
  /** Filled while reading: lines, frames, skipped and malformed lines, truncated files. */
  readonly stats?: ReadStats;
}

export const DEFAULT_BATCH_FRAMES = 1024;
/** Lines looked at per file by `discoverSymbols`. */
const SYMBOL_SCAN_LINES = 20_000;
const HEAD_LINES = 20;

/** Any text after the time: our recorder keeps malformed frames too, and one may come first. */
const HFTBACKTEST_LINE = /^\d{12,19} \S/;
const CRYPTOFEED_WS_LINE = /^\d{9,11}(?:\.\d+)?: [{[]/;
const REST_LINE = /^https?:\/\/\S+ -> \d+(?:\.\d+)?: /;

/** A file that is not a recording of a known format: the input's fault, said in one line by the CLI. */
export class RecordingFormatError extends Error {
  override readonly name = "RecordingFormatError";
}

/** The format of a recording from its first lines. Throws, naming what it saw, when none matches. */
export function detectFormat(head: string): RecordingFormat {
  const first = head
    .split("\n", HEAD_LINES)
    .map((line) => line.replace(/\r$/, ""))
    .find((line) => line.trim().length > 0);
  if (first === undefined) throw new RecordingFormatError("unrecognised recording format: the file starts with no text");
  const tardis = tardisKindOf(first.trim());
  if (tardis) return tardis;
  if (first.startsWith("configuration:") || isConnectionLine(first) || REST_LINE.test(first) || CRYPTOFEED_WS_LINE.test(first)) {
    return "cryptofeed";
  }
  if (HFTBACKTEST_LINE.test(first)) return "hftbacktest";
  throw new RecordingFormatError(
    `unrecognised recording format: first line starts ${JSON.stringify(first.slice(0, 80))}; expected "<recv ns|us> {json}" ` +
      `(hftbacktest), "<unix s>: {json}" / "configuration:" / "<url> -> <unix s>: body" (cryptofeed) or a Tardis CSV header`,
  );
}

function parserFor(format: RecordingFormat, header: string, stats: ReadStats, filePath: string): LineParser {
  if (format === "hftbacktest") return hftbacktestParser(stats, path.basename(filePath));
  if (format === "cryptofeed") return cryptofeedParser(stats);
  return tardisParser(format, header, stats);
}

/**
 * One file's frames in file order, in chunks of any size. `onLine` sees every
 * raw line (for bounded scans); `maxLines` stops early.
 */
async function* fileFrames(filePath: string, stats: ReadStats, maxLines = Number.POSITIVE_INFINITY, onLine?: (line: string) => void): AsyncGenerator<RawFrame[]> {
  stats.files++;
  let parser: LineParser | undefined;
  let seen = 0;
  for await (const lines of readLineChunks(filePath, stats)) {
    let start = 0;
    if (parser === undefined) {
      const headerIndex = lines.findIndex((line) => line.trim().length > 0);
      if (headerIndex < 0) continue;
      let format: RecordingFormat;
      try {
        format = detectFormat(lines.slice(headerIndex, headerIndex + HEAD_LINES).join("\n"));
      } catch (error) {
        throw new RecordingFormatError(`${filePath}: ${(error as Error).message}`);
      }
      parser = parserFor(format, lines[headerIndex]!, stats, filePath);
      if (format.startsWith("tardis")) {
        start = headerIndex + 1;
        stats.lines += start;
        stats.skippedLines += start;
      }
    }
    const out: RawFrame[] = [];
    const stop = Math.min(lines.length, start + (maxLines - seen));
    for (let i = start; i < stop; i++) {
      onLine?.(lines[i]!);
      parser.line(lines[i]!, out);
    }
    stats.lines += stop - start;
    seen += stop - start;
    if (out.length > 0) yield out;
    if (seen >= maxLines) break;
  }
  const tail: RawFrame[] = [];
  parser?.end(tail);
  if (tail.length > 0) yield tail;
}

interface Source {
  readonly frames: AsyncIterator<RawFrame[]>;
  buffer: RawFrame[];
  next: number;
  done: boolean;
}

async function refill(source: Source): Promise<void> {
  while (!source.done && source.next >= source.buffer.length) {
    const result = await source.frames.next();
    if (result.done) source.done = true;
    else {
      source.buffer = result.value;
      source.next = 0;
    }
  }
}

/** Every frame of every file, merged by local receive time, in batches of `batchFrames`. */
export async function* readRecording(paths: readonly string[], options: ReadOptions = {}): AsyncGenerator<RawFrame[]> {
  const batchFrames = options.batchFrames ?? DEFAULT_BATCH_FRAMES;
  if (!(Number.isInteger(batchFrames) && batchFrames >= 1)) throw new RangeError(`batchFrames must be a positive integer: batchFrames=${batchFrames}`);
  if (paths.length === 0) throw new Error("no recording files given");
  const stats = options.stats ?? newReadStats();
  const sources: Source[] = paths.map((filePath) => ({ frames: fileFrames(filePath, stats), buffer: [], next: 0, done: false }));
  try {
    for (const source of sources) await refill(source);
    let batch: RawFrame[] = [];
    for (;;) {
      // The source with the earliest next frame, and the time up to which it may run alone.
      let best: Source | undefined;
      let bestIndex = -1;
      let limitTsMs = Number.POSITIVE_INFINITY;
      let limitIndex = -1;
      for (let i = 0; i < sources.length; i++) {
        const source = sources[i]!;
        if (source.done) continue;
        const tsMs = source.buffer[source.next]!.localTsMs;
        if (best === undefined || tsMs < best.buffer[best.next]!.localTsMs) {
          if (best !== undefined) [limitTsMs, limitIndex] = [best.buffer[best.next]!.localTsMs, bestIndex];
          best = source;
          bestIndex = i;
        } else if (tsMs < limitTsMs) [limitTsMs, limitIndex] = [tsMs, i];
      }
      if (best === undefined) break;
      // Ties go to the file listed first.
      const runsOnTie = bestIndex < limitIndex;
      const { buffer } = best;
      let next = best.next;
      while (next < buffer.length && batch.length < batchFrames) {
        const tsMs = buffer[next]!.localTsMs;
        if (tsMs > limitTsMs || (tsMs === limitTsMs && !runsOnTie)) break;
        batch.push(buffer[next++]!);
      }
      best.next = next;
      if (batch.length >= batchFrames) {
        stats.frames += batch.length;
        yield batch;
        batch = [];
      }
      if (next >= buffer.length) await refill(best);
    }
    if (batch.length > 0) {
      stats.frames += batch.length;
      yield batch;
    }
  } finally {
    await Promise.all(sources.map((source) => source.frames.return?.(undefined)));
  }
}

/** Symbols present in the files (upper case, sorted), from the first lines of each. */
export async function discoverSymbols(paths: readonly string[]): Promise<string[]> {
  const symbols = new Set<string>();
  const stats = newReadStats();
  for (const filePath of paths) {
    const onLine = (line: string) => {
      if (isConnectionLine(line)) for (const symbol of connectionSymbols(line)) symbols.add(symbol);
    };
    for await (const frames of fileFrames(filePath, stats, SYMBOL_SCAN_LINES, onLine)) {
      for (const frame of frames) {
        const symbol = frameSymbol(frame);
        if (symbol !== undefined) symbols.add(symbol);
      }
    }
  }
  return [...symbols].sort();
}

/**
 * Tick and lot sizes from an exchangeInfo response recorded in the file
 * (cryptofeed's `BINANCE_FUTURES.0`), keyed by upper-case symbol; empty when
 * the file holds none. Recorded symbols are often missing from src/symbols.ts.
 */
export async function readExchangeInfoTickSizes(filePath: string): Promise<Record<string, SymbolSpec>> {
  return readExchangeInfoSpecs(filePath);
}
