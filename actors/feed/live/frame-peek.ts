/**
 * Reads the few fields the driver needs from a frame's text without a JSON
 * parse: the combined-stream name, and an integer field of the data (trade
 * id `t`, aggTrade id `a`). Frames that do not look as expected give
 * undefined / NaN and are passed on untouched: the decoder judges them.
 */

const STREAM_KEY = '{"stream":"';

/** `btcusdt@trade` from `{"stream":"btcusdt@trade","data":...}`, else undefined. */
export function peekStream(text: string): string | undefined {
  if (!text.startsWith(STREAM_KEY)) return undefined;
  const end = text.indexOf('"', STREAM_KEY.length);
  return end > STREAM_KEY.length ? text.slice(STREAM_KEY.length, end) : undefined;
}

/** The non-negative integer after `"key":` (first occurrence after `from`), else NaN. */
export function peekInteger(text: string, key: string, from = 0): number {
  const needle = `"${key}":`;
  const at = text.indexOf(needle, from);
  if (at < 0) return Number.NaN;
  let i = at + needle.length;
  let value = 0;
  let digits = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
    digits++;
  }
  return digits > 0 && digits < 16 ? value : Number.NaN;
}
