/**
 * Clean real streams for the evaluation: recordings read by the same path
 * the service replays them with (readRecording, then the book desk's
 * snapshot + `pu`-chain sync), one stream per symbol.
 *
 * Files of one symbol are merged by receive time into one stream, so a
 * recording cut at midnight (btcusdt_20240718.gz, whose REST snapshot seeds
 * the book, then btcusdt_20240719.gz, whose first diff chains on the last
 * one of the day before) is one continuous, exactly synced book. A symbol
 * whose files never deliver a snapshot, or whose chain breaks, is refused
 * with the file names: an unsynced book would make up liquidity.
 */
import { existsSync } from "node:fs";
import type { MarketEvent, SymbolSpec } from "../../../src/switchboard.ts";
import { BookDesk } from "../../book/book-desk.ts";
import { discoverSymbols, readRecording } from "../../feed/recordings/read.ts";
import { recordingPath } from "../../analytics/recorded-events.ts";
import { RateLimitedLog } from "../../../src/rate-limited-log.ts";

/** A chain break between two files is how a new stream is found, not news: the desk stays quiet. */
const deskFor = (symbol: string) => new BookDesk(new Set([symbol]), {}, new RateLimitedLog(() => {}));

export interface RecordedStream {
  readonly spec: SymbolSpec;
  readonly events: MarketEvent[];
  readonly files: readonly string[];
}

/** A recording the eval cannot use (no snapshot, a broken chain, not one symbol): the input's fault, not the program's. */
export class RecordingInputError extends Error {
  override readonly name = "RecordingInputError";
}

/** `file` is a path (one that exists as given), or a bare name resolved under the shared hftbacktest folder. */
export const resolveRecording = (file: string): string => (file.includes("/") || existsSync(file) ? file : recordingPath(file));

/**
 * One synced stream per continuous recording: per symbol, the files in time order, each
 * continuing the previous file's book when its first diff chains on it (else it starts a
 * new stream from its own snapshot). Streams come sorted by symbol, then time.
 */
export async function loadRecordingStreams(files: readonly string[]): Promise<RecordedStream[]> {
  const bySymbol = new Map<string, { path: string; firstTsMs: number }[]>();
  for (const file of files) {
    const path = resolveRecording(file);
    const symbols = await discoverSymbols([path]);
    if (symbols.length !== 1) throw new RecordingInputError(`eval recordings: expected one symbol per file: file=${path}, symbols=${symbols.join(",") || "none"}`);
    let firstTsMs = Infinity;
    for await (const frames of readRecording([path], { batchFrames: 1 })) {
      firstTsMs = frames[0]!.localTsMs;
      break;
    }
    const list = bySymbol.get(symbols[0]!) ?? [];
    list.push({ path, firstTsMs });
    bySymbol.set(symbols[0]!, list);
  }
  const out: RecordedStream[] = [];
  for (const symbol of [...bySymbol.keys()].sort()) {
    const list = bySymbol.get(symbol)!.sort((a, b) => a.firstTsMs - b.firstTsMs);
    let segment: { desk: BookDesk; events: MarketEvent[]; paths: string[] } | null = null;
    for (const { path } of list) {
      if (segment !== null && !(await continueWith(segment, path))) {
        out.push(finish(symbol, segment));
        segment = null;
      }
      if (segment === null) {
        segment = { desk: deskFor(symbol), events: [], paths: [] };
        if (!(await continueWith(segment, path))) throw new RecordingInputError(`eval recordings: ${symbol} book chain broken inside one file: file=${path}`);
      }
    }
    if (segment !== null) out.push(finish(symbol, segment));
  }
  return out;
}

/** Feeds one file to the segment's desk; false (segment untouched) when its diffs do not chain on the segment's book. */
async function continueWith(segment: { desk: BookDesk; events: MarketEvent[]; paths: string[] }, path: string): Promise<boolean> {
  const events: MarketEvent[] = [];
  const desk = segment.desk;
  const before = desk.books.size > 0;
  for await (const frames of readRecording([path])) {
    const result = desk.processBatch(frames);
    if (result.gaps.length > 0) {
      if (before && segment.events.length > 0) {
        // Not a continuation: forget what this file did to the desk by rebuilding it for the next segment.
        return false;
      }
      const gap = result.gaps[0]!;
      throw new RecordingInputError(`eval recordings: book chain broken (${gap.reason}, expected pu=${gap.expectedPu}, got pu=${gap.gotPu}): file=${path}`);
    }
    for (const event of result.events) events.push(event);
  }
  for (const event of events) segment.events.push(event);
  segment.paths.push(path);
  return true;
}

function finish(symbol: string, segment: { desk: BookDesk; events: MarketEvent[]; paths: string[] }): RecordedStream {
  // Trades before the snapshot come with a provisional book; the stream starts at the snapshot.
  const first = segment.events.findIndex((e) => e.kind === "book" && e.reset);
  if (first < 0) throw new RecordingInputError(`eval recordings: ${symbol} has no REST snapshot to start a book from: files=${segment.paths.join(",")}`);
  return { spec: segment.desk.books.get(symbol)!.spec, events: segment.events.slice(first), files: segment.paths };
}
