/**
 * Strict JSON primitives for fast-decode.ts: each takes the text, its length
 * and a position, and returns the position just past what it read, or -1 for
 * "not the happy path" (the caller then hands the frame to JSON.parse). They
 * accept exactly what JSON.parse accepts, except strings with escapes and
 * values nested deeper than MAX_NESTING, which they refuse.
 *
 * Speed (JSC): reads are bounds-checked by hand (`codeAt`), never past the
 * end. A charCodeAt past the end returns NaN, and once a call site has seen
 * NaN its results are typed as doubles: the whole loop runs about 3x slower.
 * `decimalInto` alone reads unchecked; see its precondition.
 */
export const QUOTE = 34;
export const COMMA = 44;
export const MINUS = 45;
const DOT = 46;
export const COLON = 58;
export const OPEN_BRACKET = 91;
const BACKSLASH = 92;
export const CLOSE_BRACKET = 93;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;

/** Exact doubles 10^0 .. 10^22 (only 10^0 .. 10^15 are used). */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** Digits an integer accumulator holds exactly (10^15 < 2^53). */
const MAX_FAST_DIGITS = 15;
/** Deeper values are left to JSON.parse (whose own limits then apply). */
const MAX_NESTING = 64;

export function codeAt(text: string, length: number, p: number): number {
  return p < length ? text.charCodeAt(p) : -1;
}

/** Past JSON whitespace (space, LF, CR, tab) only. */
export function skipWs(text: string, length: number, p: number): number {
  while (p < length) {
    const c = text.charCodeAt(p);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return p;
    p++;
  }
  return p;
}

/** Index of the closing quote of the string opening at p; -1 on an escape, a raw control character or the end. */
export function stringEnd(text: string, length: number, p: number): number {
  if (codeAt(text, length, p) !== QUOTE) return -1;
  for (let i = p + 1; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 32) return -1;
  }
  return -1;
}

export const isDigit = (c: number) => c >= 48 && c <= 57;

/** Past the JSON number at p (strict grammar), or -1. */
function skipNumber(text: string, length: number, p: number): number {
  let i = p;
  let c = codeAt(text, length, i);
  if (c === MINUS) c = codeAt(text, length, ++i);
  if (c === 48) c = codeAt(text, length, ++i);
  else if (c > 48 && c <= 57) while (isDigit(c)) c = codeAt(text, length, ++i);
  else return -1;
  if (c === DOT) {
    c = codeAt(text, length, ++i);
    if (!isDigit(c)) return -1;
    while (isDigit(c)) c = codeAt(text, length, ++i);
  }
  if (c === 101 || c === 69) {
    c = codeAt(text, length, ++i);
    if (c === 43 || c === MINUS) c = codeAt(text, length, ++i);
    if (!isDigit(c)) return -1;
    while (isDigit(c)) c = codeAt(text, length, ++i);
  }
  return i;
}

/** The JSON number at p into out[slot]; its value equals JSON.parse's. */
export function numberInto(text: string, length: number, p: number, out: Float64Array, slot: number): number {
  let i = p;
  let c = codeAt(text, length, i);
  const negative = c === MINUS;
  if (negative) c = codeAt(text, length, ++i);
  // Integers (ids, times) in two int32 chunks: a 13-digit id in one double chain is slower.
  const start = i;
  let high = 0;
  while (isDigit(c) && i - start < 9) {
    high = high * 10 + (c - 48);
    c = codeAt(text, length, ++i);
  }
  const middle = i;
  let low = 0;
  while (isDigit(c) && i - middle < 6) {
    low = low * 10 + (c - 48);
    c = codeAt(text, length, ++i);
  }
  if (i > start && !isDigit(c) && c !== DOT && c !== 101 && c !== 69 && (text.charCodeAt(start) !== 48 || i === start + 1)) {
    const value = i === middle ? high : high * POW10[i - middle]! + low;
    out[slot] = negative ? -value : value;
    return i;
  }
  const end = skipNumber(text, length, p);
  if (end >= 0) out[slot] = Number(text.slice(p, end));
  return end;
}

/**
 * The quoted decimal at p into out[slot], as decodeFrame's `decimal()`: Number(text), NaN for "".
 * Precondition: the text ends with "}" (which stops every digit run in
 * bounds), and text[p] is the opening quote. Reads unchecked under it.
 */
export function decimalInto(text: string, length: number, p: number, out: Float64Array, slot: number): number {
  let i = p + 1;
  let c = text.charCodeAt(i);
  const negative = c === MINUS;
  if (negative) c = text.charCodeAt(++i);
  const start = i;
  let mantissa = 0;
  while (c >= 48 && c <= 57) {
    mantissa = mantissa * 10 + (c - 48);
    c = text.charCodeAt(++i);
  }
  let digits = i - start;
  let fraction = 0;
  if (c === DOT) {
    const dot = i;
    c = text.charCodeAt(++i);
    while (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      c = text.charCodeAt(++i);
    }
    fraction = i - dot - 1;
    digits += fraction;
  }
  if (c === QUOTE && digits > 0 && digits <= MAX_FAST_DIGITS) {
    const value = mantissa / POW10[fraction]!;
    out[slot] = negative ? -value : value;
    return i + 1;
  }
  const end = stringEnd(text, length, p);
  if (end < 0) return -1;
  out[slot] = end > p + 1 ? Number(text.slice(p + 1, end)) : Number.NaN;
  return end + 1;
}

/** Skips any JSON value at p, validating it strictly. */
export function skipValue(text: string, length: number, p: number, depth: number): number {
  const c = codeAt(text, length, p);
  if (c === QUOTE) {
    const end = stringEnd(text, length, p);
    return end < 0 ? -1 : end + 1;
  }
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    if (depth >= MAX_NESTING) return -1;
    const object = c === OPEN_BRACE;
    const close = object ? CLOSE_BRACE : CLOSE_BRACKET;
    p = skipWs(text, length, p + 1);
    if (codeAt(text, length, p) === close) return p + 1;
    for (;;) {
      if (object) {
        const keyEnd = stringEnd(text, length, p);
        if (keyEnd < 0) return -1;
        p = skipWs(text, length, keyEnd + 1);
        if (codeAt(text, length, p) !== COLON) return -1;
        p = skipWs(text, length, p + 1);
      }
      p = skipValue(text, length, p, depth + 1);
      if (p < 0) return -1;
      p = skipWs(text, length, p);
      const next = codeAt(text, length, p);
      if (next === COMMA) p = skipWs(text, length, p + 1);
      else if (next === close) return p + 1;
      else return -1;
    }
  }
  if (c === MINUS || isDigit(c)) return skipNumber(text, length, p);
  if (c === 116) return text.startsWith("true", p) ? p + 4 : -1;
  if (c === 102) return text.startsWith("false", p) ? p + 5 : -1;
  if (c === 110) return text.startsWith("null", p) ? p + 4 : -1;
  return -1;
}
