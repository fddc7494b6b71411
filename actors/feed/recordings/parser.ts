/**
 * What every recording format's reader is: a line-at-a-time parser that
 * turns a file's lines into RawFrames, exactly as the live feed would have
 * handed them to the decoder. Parsers never throw on input; bad lines are
 * counted in ReadStats and skipped.
 */
import type { RawFrame } from "../../../src/switchboard.ts";
import type { LineReadStats } from "./lines.ts";

export interface ReadStats extends LineReadStats {
  files: number;
  lines: number;
  frames: number;
  /** Lines that are well-formed but carry nothing to replay (configuration, connection lines, exchangeInfo, blank lines). */
  skippedLines: number;
  /** Lines that could not be parsed (no timestamp, broken structure). */
  malformedLines: number;
  /** REST snapshots whose symbol could not be inferred (passed on without one; the decoder rejects them). */
  unattributedSnapshots: number;
}

export function newReadStats(): ReadStats {
  return { files: 0, lines: 0, frames: 0, skippedLines: 0, malformedLines: 0, unattributedSnapshots: 0, truncatedFiles: 0 };
}

export interface LineParser {
  /** Parses one line (no trailing newline) and appends any frames to `out`. */
  line(text: string, out: RawFrame[]): void;
  /** End of the file: appends frames held back (waiting for a symbol, an unfinished group). */
  end(out: RawFrame[]): void;
}
