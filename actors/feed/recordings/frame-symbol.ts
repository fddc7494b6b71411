/**
 * The symbol a raw frame belongs to, without a full JSON parse: the
 * combined-stream name (`btcusdt@depth@0ms` -> BTCUSDT), else the event's
 * `"s"` field, else `RawFrame.symbol` (REST snapshots). Upper case.
 */
import type { RawFrame } from "../../../src/switchboard.ts";

const STREAM_PREFIX = /^\s*\{\s*"stream"\s*:\s*"([^"@]+)@/;
const SYMBOL_FIELD = /"s"\s*:\s*"([^"]+)"/;

/** Only names that can be a file name part and a symbol: letters, digits, '-', '_' (Tardis "BTC-PERPETUAL"). */
const PLAIN_SYMBOL = /^[A-Za-z0-9_-]+$/;

export function frameSymbol(frame: RawFrame): string | undefined {
  if (frame.symbol !== undefined) return frame.symbol.toUpperCase();
  return textSymbol(frame.text);
}

/** The symbol named by a websocket frame's text, if any (all-market streams such as `!markPrice@arr` name none). */
export function textSymbol(text: string): string | undefined {
  const head = text.length > 256 ? text.slice(0, 256) : text;
  const stream = STREAM_PREFIX.exec(head);
  if (stream) return PLAIN_SYMBOL.test(stream[1]!) ? stream[1]!.toUpperCase() : undefined;
  const field = SYMBOL_FIELD.exec(head);
  return field && PLAIN_SYMBOL.test(field[1]!) ? field[1]!.toUpperCase() : undefined;
}
