/**
 * A purpose-built scanner for the Binance frames that dominate the feed:
 * combined-stream `depthUpdate` and `trade` (and any other event, which only
 * needs its type). `JSON.parse` alone caps near 93,500 depth messages/s;
 * this reads the text once with charCodeAt, parses the price/quantity
 * strings straight into the level arrays, and builds nothing else.
 *
 * The two most frequent small frames, bookTicker and trade, are first
 * checked against a regular expression of Binance's exact shape (JSC's regex
 * JIT is several times faster than any hand loop for a fixed layout); depth
 * diffs, other layouts and other events go through the scanner.
 *
 * Contract: `fastDecodeFrame(text, hint)` returns exactly what
 * `decodeFrame(text, hint)` returns (deep-equal, NaN and -0 included) for
 * every input. The scanner validates the whole text as strict JSON and takes
 * only the happy path; anything else (escapes, repeated keys the decoder
 * reads, deep nesting, snapshots, raw non-envelope frames, wrong types,
 * text after the closing brace, malformed text) goes to `decodeFrame`, so
 * the two cannot disagree.
 *
 * Numbers: a decimal of at most 15 digits and no exponent is an exact
 * integer m < 2^53 over an exact power of ten, so m / 10^k is the correctly
 * rounded double, the one `Number(text)` gives (Clinger's fast path); any
 * other spelling goes through `Number` itself (json-scan.ts).
 */
import { decodeFrame, type DecodedMsg, type DepthDiffMsg, type TradeMsg } from "./binance-decode.ts";
import {
  CLOSE_BRACE, CLOSE_BRACKET, codeAt, COLON, COMMA, decimalInto, isDigit, MINUS, numberInto, OPEN_BRACE, OPEN_BRACKET, QUOTE, skipValue, skipWs, stringEnd,
} from "./json-scan.ts";

// One bit per key of `data` that decodeFrame reads; numeric ones also name a slot in `numbers`.
const F_EVENT = 1 << 0; // e
const F_SYMBOL = 1 << 1; // s
const F_BIDS = 1 << 2; // b
const F_ASKS = 1 << 3; // a
const F_MAKER = 1 << 4; // m
const F_LAST_UPDATE_ID = 1 << 5; // a snapshot: decodeFrame's job
const F_EVENT_TIME = 1 << 6; // E, slot 0
const F_TRADE_TIME = 1 << 7; // T, slot 1
const F_FIRST_ID = 1 << 8; // U, slot 2
const F_FINAL_ID = 1 << 9; // u, slot 3
const F_PREV_ID = 1 << 10; // pu, slot 4
const F_TRADE_ID = 1 << 11; // t, slot 5
const F_PRICE = 1 << 12; // p, slot 6 (a decimal string)
const F_QTY = 1 << 13; // q, slot 7 (a decimal string)
const FIRST_NUMERIC_BIT = 6;
const [SLOT_E, SLOT_T, SLOT_U, SLOT_u, SLOT_pu, SLOT_t, SLOT_p, SLOT_q] = [0, 1, 2, 3, 4, 5, 6, 7];

const DEPTH_FIELDS = F_SYMBOL | F_EVENT_TIME | F_FIRST_ID | F_FINAL_ID | F_PREV_ID | F_BIDS | F_ASKS;
const TRADE_FIELDS = F_SYMBOL | F_TRADE_ID | F_PRICE | F_QTY | F_MAKER;
/** Keys read whatever the event: its type, and the key that makes a frame a snapshot. */
const ALWAYS_READ = F_EVENT | F_LAST_UPDATE_ID;
const ALL_FIELDS = (1 << 14) - 1;
const ONE_CHAR_KEYS: Record<string, number> = { e: F_EVENT, s: F_SYMBOL, b: F_BIDS, a: F_ASKS, m: F_MAKER, E: F_EVENT_TIME, T: F_TRADE_TIME, U: F_FIRST_ID, u: F_FINAL_ID, t: F_TRADE_ID, p: F_PRICE, q: F_QTY };
const FIELD_BY_CHAR = new Int32Array(128);
for (const [key, field] of Object.entries(ONE_CHAR_KEYS)) FIELD_BY_CHAR[key.charCodeAt(0)] = field;

/** Field bit of the key text[start, end), 0 for keys decodeFrame never reads. */
function fieldOf(text: string, start: number, end: number): number {
  const length = end - start;
  if (length === 1) {
    const c = text.charCodeAt(start);
    return c < 128 ? FIELD_BY_CHAR[c]! : 0;
  }
  if (length === 2) return text.startsWith("pu", start) ? F_PREV_ID : 0;
  if (length === 12) return text.startsWith("lastUpdateId", start) ? F_LAST_UPDATE_ID : 0;
  return 0;
}

const EVENT_OTHER = 0;
const EVENT_DEPTH = 1;
const EVENT_TRADE = 2;

/** Per-frame state, reused: decoding is synchronous and never re-entered. */
class FrameScanner {
  /** Keys of `data` seen: a repeat means JSON.parse's last-wins rule applies, so fall back. */
  private seen = 0;
  /** Keys whose value had the type decodeFrame wants. */
  private typed = 0;
  private event = EVENT_OTHER;
  /** Keys worth reading: all until `e` is known, then only those its event uses (others are just validated). */
  private relevant = ALL_FIELDS;
  private eventType = "";
  private symbol = "";
  private buyerIsMaker = false;
  private readonly numbers = new Float64Array(8);
  /** Levels of b and a in arrival order. */
  private prices = new Float64Array(256);
  private quantities = new Float64Array(256);
  private levelCount = 0;
  private bidStart = 0;
  private bidCount = 0;
  private askStart = 0;
  private askCount = 0;
  /** Symbols are few: reuse the string rather than allocate one per frame. */
  private lastSymbol = "";

  decode(text: string): DecodedMsg | null {
    const length = text.length;
    // Real frames end with "}"; requiring it lets the hot loops skip bounds checks (see readLevels).
    if (length === 0 || text.charCodeAt(length - 1) !== CLOSE_BRACE) return null;
    this.seen = 0;
    this.typed = 0;
    this.relevant = ALL_FIELDS;
    this.levelCount = 0;
    let p = skipWs(text, length, 0);
    if (codeAt(text, length, p) !== OPEN_BRACE) return null;
    p = skipWs(text, length, p + 1);
    let sawData = false;
    for (;;) {
      const keyEnd = stringEnd(text, length, p);
      if (keyEnd < 0) return null;
      const isData = keyEnd - p === 5 && text.startsWith("data", p + 1);
      p = skipWs(text, length, keyEnd + 1);
      if (codeAt(text, length, p) !== COLON) return null;
      p = skipWs(text, length, p + 1);
      if (isData) {
        if (sawData || codeAt(text, length, p) !== OPEN_BRACE) return null;
        sawData = true;
        p = this.scanData(text, length, p);
      } else {
        p = skipValue(text, length, p, 1);
      }
      if (p < 0) return null;
      p = skipWs(text, length, p);
      const c = codeAt(text, length, p);
      if (c === COMMA) p = skipWs(text, length, p + 1);
      else if (c === CLOSE_BRACE) break;
      else return null;
    }
    // Raw (non-combined) frames and snapshots have no `data`: decodeFrame handles them.
    if (!sawData || skipWs(text, length, p + 1) !== length) return null;
    return this.build();
  }

  private scanData(text: string, length: number, p: number): number {
    p = skipWs(text, length, p + 1);
    if (codeAt(text, length, p) === CLOSE_BRACE) return p + 1;
    for (;;) {
      const keyEnd = stringEnd(text, length, p);
      if (keyEnd < 0) return -1;
      const field = fieldOf(text, p + 1, keyEnd);
      p = skipWs(text, length, keyEnd + 1);
      if (codeAt(text, length, p) !== COLON) return -1;
      p = skipWs(text, length, p + 1);
      if ((field & this.relevant) !== 0) {
        if ((this.seen & field) !== 0 || field === F_LAST_UPDATE_ID) return -1;
        this.seen |= field;
        p = this.readField(text, length, field, p);
      } else {
        p = skipValue(text, length, p, 2);
      }
      if (p < 0) return -1;
      p = skipWs(text, length, p);
      const c = codeAt(text, length, p);
      if (c === COMMA) p = skipWs(text, length, p + 1);
      else if (c === CLOSE_BRACE) return p + 1;
      else return -1;
    }
  }

  /** A known key's value; a value of another type is skipped (validated) and leaves the field untyped. */
  private readField(text: string, length: number, field: number, p: number): number {
    const c = codeAt(text, length, p);
    let end = -1;
    if (field >= F_EVENT_TIME) {
      const slot = 31 - Math.clz32(field) - FIRST_NUMERIC_BIT;
      if (field === F_PRICE || field === F_QTY) {
        if (c === QUOTE) end = decimalInto(text, length, p, this.numbers, slot);
      } else if (c === MINUS || isDigit(c)) {
        end = numberInto(text, length, p, this.numbers, slot);
      }
    } else if (field === F_BIDS || field === F_ASKS) {
      if (c === OPEN_BRACKET) {
        const start = this.levelCount;
        end = this.readLevels(text, length, p);
        if (end < 0) this.levelCount = start; // not [string, string] pairs, or not JSON: skipValue decides
        else if (field === F_BIDS) (this.bidStart = start), (this.bidCount = this.levelCount - start);
        else (this.askStart = start), (this.askCount = this.levelCount - start);
      }
    } else if (field === F_MAKER) {
      if (c === 116 && text.startsWith("true", p)) (this.buyerIsMaker = true), (end = p + 4);
      else if (c === 102 && text.startsWith("false", p)) (this.buyerIsMaker = false), (end = p + 5);
    } else if (c === QUOTE) {
      // e or s
      end = stringEnd(text, length, p);
      if (end < 0) return -1;
      if (field === F_SYMBOL) this.symbol = this.intern(text, p + 1, end);
      else this.readEventType(text, p + 1, end);
      end++;
    }
    if (end < 0) return skipValue(text, length, p, 2);
    this.typed |= field;
    return end;
  }

  private readEventType(text: string, start: number, end: number): void {
    if (end - start === 11 && text.startsWith("depthUpdate", start)) {
      this.event = EVENT_DEPTH;
      this.relevant = ALWAYS_READ | DEPTH_FIELDS;
    } else if (end - start === 5 && text.startsWith("trade", start)) {
      this.event = EVENT_TRADE;
      this.relevant = ALWAYS_READ | TRADE_FIELDS | F_TRADE_TIME | F_EVENT_TIME;
    } else {
      this.event = EVENT_OTHER;
      this.eventType = text.slice(start, end);
      this.relevant = ALWAYS_READ;
    }
  }

  private intern(text: string, start: number, end: number): string {
    const last = this.lastSymbol;
    if (last.length === end - start && text.startsWith(last, start)) return last;
    return (this.lastSymbol = text.slice(start, end));
  }

  /** `[[price, qty, ...], ...]` at p appended to the scratch levels; -1 if it is anything else. */
  private readLevels(text: string, length: number, p: number): number {
    // The hot loop: each character read once, whitespace handled only where it occurs. Reads are
    // unchecked: the text ends with "}" and nothing here consumes a "}", so the next index is in bounds.
    let prices = this.prices;
    let quantities = this.quantities;
    let index = this.levelCount;
    let c = text.charCodeAt(++p);
    if (c <= 32) c = codeAt(text, length, (p = skipWs(text, length, p)));
    if (c === CLOSE_BRACKET) return p + 1;
    for (;;) {
      if (index === prices.length) {
        this.grow();
        prices = this.prices;
        quantities = this.quantities;
      }
      if (c !== OPEN_BRACKET) return -1;
      c = text.charCodeAt(++p);
      if (c <= 32) c = codeAt(text, length, (p = skipWs(text, length, p)));
      if (c !== QUOTE) return -1;
      p = decimalInto(text, length, p, prices, index);
      if (p < 0) return -1;
      c = text.charCodeAt(p);
      if (c <= 32) c = codeAt(text, length, (p = skipWs(text, length, p)));
      if (c !== COMMA) return -1;
      c = text.charCodeAt(++p);
      if (c <= 32) c = codeAt(text, length, (p = skipWs(text, length, p)));
      if (c !== QUOTE) return -1;
      p = decimalInto(text, length, p, quantities, index);
      if (p < 0) return -1;
      c = text.charCodeAt(p);
      if (c <= 32) c = codeAt(text, length, (p = skipWs(text, length, p)));
      // decodeFrame reads level[0] and level[1] and tolerates more elements.
      while (c === COMMA) {
        p = skipValue(text, length, skipWs(text, length, p + 1), 4);
        if (p < 0) return -1;
        c = codeAt(text, length, (p = skipWs(text, length, p)));
      }
      if (c !== CLOSE_BRACKET) return -1;
      this.levelCount = ++index;
      c = text.charCodeAt(++p);
      if (c <= 32) c = codeAt(text, length, (p = skipWs(text, length, p)));
      if (c === CLOSE_BRACKET) return p + 1;
      if (c !== COMMA) return -1;
      c = text.charCodeAt(++p);
      if (c <= 32) c = codeAt(text, length, (p = skipWs(text, length, p)));
    }
  }

  private grow(): void {
    const prices = new Float64Array(this.prices.length * 2);
    const quantities = new Float64Array(this.prices.length * 2);
    prices.set(this.prices);
    quantities.set(this.quantities);
    this.prices = prices;
    this.quantities = quantities;
  }

  private build(): DecodedMsg | null {
    const { typed, numbers } = this;
    if ((typed & F_EVENT) === 0) return null;
    if (this.event === EVENT_DEPTH) {
      if ((typed & DEPTH_FIELDS) !== DEPTH_FIELDS) return null;
      const exchTsMs = numbers[SLOT_E]!;
      const firstUpdateId = numbers[SLOT_U]!;
      const finalUpdateId = numbers[SLOT_u]!;
      const prevFinalUpdateId = numbers[SLOT_pu]!;
      if (!Number.isFinite(exchTsMs) || !Number.isSafeInteger(firstUpdateId) || !Number.isSafeInteger(finalUpdateId) || !Number.isSafeInteger(prevFinalUpdateId)) {
        return null;
      }
      const { bidStart, bidCount, askStart } = this;
      const count = bidCount + this.askCount;
      // Bids first, whatever order b and a came in (a loop: TypedArray#slice is slower in JSC).
      const prices = new Float64Array(count);
      const quantities = new Float64Array(count);
      const scratchPrices = this.prices;
      const scratchQuantities = this.quantities;
      for (let i = 0; i < count; i++) {
        const from = i < bidCount ? bidStart + i : askStart + i - bidCount;
        prices[i] = scratchPrices[from]!;
        quantities[i] = scratchQuantities[from]!;
      }
      const msg: DepthDiffMsg = { kind: "depth", symbol: this.symbol, exchTsMs, firstUpdateId, finalUpdateId, prevFinalUpdateId, levels: { bidCount, prices, quantities } };
      return msg;
    }
    if (this.event === EVENT_TRADE) {
      if ((typed & TRADE_FIELDS) !== TRADE_FIELDS || !Number.isSafeInteger(numbers[SLOT_t]!)) return null;
      // decodeFrame: `isNum(T) ? T : E`, which must then be finite.
      const tradeTime = (typed & F_TRADE_TIME) !== 0 ? numbers[SLOT_T]! : Number.NaN;
      const exchTsMs = Number.isFinite(tradeTime) ? tradeTime : (typed & F_EVENT_TIME) !== 0 ? numbers[SLOT_E]! : Number.NaN;
      if (!Number.isFinite(exchTsMs)) return null;
      const msg: TradeMsg = { kind: "trade", symbol: this.symbol, exchTsMs, tradeId: numbers[SLOT_t]!, price: numbers[SLOT_p]!, qty: numbers[SLOT_q]!, buyerIsMaker: this.buyerIsMaker };
      return msg;
    }
    return { kind: "ignored", eventType: this.eventType };
  }
}

const scanner = new FrameScanner();

// Binance's two most frequent small frames in their exact field order and characters: JSC's
// regex JIT checks one several times faster than the scanner reads it. A match is valid JSON
// whose `data` has that event type and no lastUpdateId or repeated key, so decodeFrame's
// answer is known (trade values are exact: integers and [0-9.] decimals through Number).
const INT = "(?:0|[1-9][0-9]*)";
const DECIMAL = '"[0-9.]*"';
const STREAM = '^\\{"stream":"[a-z0-9_]+@';
/** About 5 per depth diff on BTCUSDT. */
const BOOK_TICKER = new RegExp(
  `${STREAM}bookTicker","data":\\{"e":"bookTicker","u":${INT},"s":"[A-Z0-9_]+",` +
    `"b":${DECIMAL},"B":${DECIMAL},"a":${DECIMAL},"A":${DECIMAL},"T":${INT},"E":${INT}\\}\\}$`,
);
/** Groups: E, T, s, t, p, q, m. */
const TRADE = new RegExp(
  `${STREAM}trade","data":\\{"e":"trade","E":(${INT}),"T":(${INT}),"s":"([A-Z0-9_]+)","t":(${INT}),` +
    `"p":"([0-9.]*)","q":"([0-9.]*)"(?:,"X":"[A-Z_]*")?,"m":(true|false)\\}\\}$`,
);

function tradeOf(match: RegExpExecArray): TradeMsg | null {
  const tradeId = Number(match[4]);
  const tradeTime = Number(match[2]);
  const exchTsMs = Number.isFinite(tradeTime) ? tradeTime : Number(match[1]);
  if (!Number.isSafeInteger(tradeId) || !Number.isFinite(exchTsMs)) return null;
  const price = match[5]!.length > 0 ? Number(match[5]) : Number.NaN;
  const qty = match[6]!.length > 0 ? Number(match[6]) : Number.NaN;
  return { kind: "trade", symbol: match[3]!, exchTsMs, tradeId, price, qty, buyerIsMaker: match[7] === "true" };
}

/** Same result as `decodeFrame(text, symbolHint)`, several times faster on depth frames. */
export function fastDecodeFrame(text: string, symbolHint?: string): DecodedMsg {
  // The stream name says which shape to try first: "...@bookTicker", "...@trade", "...@depth".
  const at = text.indexOf("@") + 1;
  const kind = at > 0 && at < text.length ? text.charCodeAt(at) : 0;
  if (kind === 98 && BOOK_TICKER.test(text)) return { kind: "ignored", eventType: "bookTicker" };
  if (kind === 116) {
    const match = TRADE.exec(text);
    const trade = match && tradeOf(match);
    if (trade) return trade;
  }
  return scanner.decode(text) ?? decodeFrame(text, symbolHint);
}

/** The scanner alone: null where `fastDecodeFrame` hands the frame to `decodeFrame` (tests, coverage counts). */
export function scanFrame(text: string): DecodedMsg | null {
  return scanner.decode(text);
}
