/**
 * hftbacktest's Binance collector format, which is also what our recorder
 * writes: `<recv ts> <raw json>` per line, the receive time in ns (2024
 * files, ours) or us (2023 `.dat.gz`), told apart by magnitude.
 *
 * Websocket frames pass through untouched. The REST depth snapshot is
 * written bare (`{"lastUpdateId":..}`) and does not name its symbol: it is
 * attributed to the symbol of the file's streams (the latest frame that named
 * one). A snapshot before any such frame is held, with everything after it
 * so order is kept, until a frame names the symbol; at the end of the file,
 * failing that, the symbol of a recorder-style file name (`btcusdt_20260126_14.gz`)
 * is used as a last resort.
 */
import type { RawFrame } from "../../../src/switchboard.ts";
import { textSymbol } from "./frame-symbol.ts";
import type { LineParser, ReadStats } from "./parser.ts";
import { epochDigitsToMs } from "./timestamps.ts";

const BARE_SNAPSHOT = /^\s*\{\s*"lastUpdateId"\s*:/;
const RECORDER_FILE_NAME = /^([A-Za-z0-9-]+)_\d{8}(?:_\d{2})?\./;

interface HeldFrame {
  readonly localTsMs: number;
  readonly text: string;
  readonly isSnapshot: boolean;
}

export function hftbacktestParser(stats: ReadStats, fileName: string): LineParser {
  let symbol: string | undefined;
  let held: HeldFrame[] | undefined;

  const release = (out: RawFrame[], heldSymbol: string | undefined) => {
    for (const frame of held!) {
      if (!frame.isSnapshot) out.push({ localTsMs: frame.localTsMs, text: frame.text });
      else if (heldSymbol !== undefined) out.push({ localTsMs: frame.localTsMs, text: frame.text, symbol: heldSymbol });
      else {
        stats.unattributedSnapshots++;
        out.push({ localTsMs: frame.localTsMs, text: frame.text });
      }
    }
    held = undefined;
  };

  return {
    line(text, out) {
      if (text.length === 0) {
        stats.skippedLines++;
        return;
      }
      const space = text.indexOf(" ");
      const localTsMs = space > 0 ? epochDigitsToMs(text.slice(0, space)) : Number.NaN;
      if (Number.isNaN(localTsMs)) {
        stats.malformedLines++;
        return;
      }
      const json = text.slice(space + 1);
      if (BARE_SNAPSHOT.test(json)) {
        if (symbol !== undefined && held === undefined) out.push({ localTsMs, text: json, symbol });
        else (held ??= []).push({ localTsMs, text: json, isSnapshot: true });
        return;
      }
      const named = textSymbol(json);
      if (named !== undefined) symbol = named;
      if (held === undefined) out.push({ localTsMs, text: json });
      else {
        held.push({ localTsMs, text: json, isSnapshot: false });
        if (symbol !== undefined) release(out, symbol);
      }
    },
    end(out) {
      if (held === undefined) return;
      const fallback = RECORDER_FILE_NAME.exec(fileName)?.[1]?.toUpperCase();
      release(out, symbol ?? fallback);
    },
  };
}
