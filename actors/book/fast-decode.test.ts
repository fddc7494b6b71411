/**
 * fastDecodeFrame must return exactly what decodeFrame returns, for every
 * input: real recordings, simulator frames, hand-written edge cases and
 * randomly damaged frames. `same` compares key order, values with
 * Object.is (NaN, -0) and typed arrays byte for byte.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { MarketSimulator } from "../feed/sim/market-simulator.ts";
import { sharedDataFile } from "../../src/shared-data.ts";
import { decodeFrame } from "./binance-decode.ts";
import { fastDecodeFrame, scanFrame } from "./fast-decode.ts";

/** The first difference between two decoded values, or "" when identical. */
function difference(actual: unknown, expected: unknown, where = "msg"): string {
  if (ArrayBuffer.isView(expected)) {
    if (!ArrayBuffer.isView(actual) || actual.constructor !== expected.constructor) return `${where}: not a ${expected.constructor.name}`;
    const a = new Uint8Array(actual.buffer, actual.byteOffset, actual.byteLength);
    const b = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
    if (a.length !== b.length) return `${where}: byte length ${a.length} != ${b.length}`;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `${where}: byte ${i} differs (${String(actual)} vs ${String(expected)})`;
    return "";
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null) return `${where}: ${String(actual)} is not an object`;
    const keysA = Object.keys(actual).join(",");
    const keysB = Object.keys(expected).join(",");
    if (keysA !== keysB) return `${where}: keys [${keysA}] != [${keysB}]`;
    for (const key of Object.keys(expected)) {
      const diff = difference((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${where}.${key}`);
      if (diff) return diff;
    }
    return "";
  }
  return Object.is(actual, expected) ? "" : `${where}: ${String(actual)} != ${String(expected)}`;
}

/** Decodes `text` both ways; returns "" or the difference, prefixed with the input. */
function compare(text: string, hint?: string): string {
  const diff = difference(fastDecodeFrame(text, hint), decodeFrame(text, hint));
  return diff ? `${diff} for ${JSON.stringify(text.slice(0, 200))}` : "";
}

function expectSame(texts: readonly string[], hint?: string): void {
  const failures = texts.map((text) => compare(text, hint)).filter(Boolean);
  expect(failures.slice(0, 5)).toEqual([]);
}

function recordingLines(relative: string): string[] {
  const bytes = readFileSync(sharedDataFile(relative));
  const text = relative.endsWith("gz") ? gunzipSync(bytes).toString("utf8") : bytes.toString("utf8");
  return text.split("\n").filter((line) => line.length > 0);
}

/** The JSON of a recorded line: after `<ts> ` (hftbacktest) or after the first `: ` (cryptofeed). */
function frameOf(line: string, cryptofeed: boolean): string {
  const at = cryptofeed ? line.indexOf(": ") + 2 : line.indexOf(" ") + 1;
  return line.slice(at);
}

const DEPTH = `{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1721347022504,"T":1721347022504,"s":"BTCUSDT","U":4984028367545,"u":4984028370730,"pu":4984028367494,"b":[["62109.60","0.006"],["63939.80","0.100"]],"a":[["63944.00","0.095"]]}}`;
const TRADE = `{"stream":"btcusdt@trade","data":{"e":"trade","E":1721347022956,"T":1721347022955,"s":"BTCUSDT","t":5182005737,"p":"63943.90","q":"0.003","X":"MARKET","m":true}}`;
const TICKER = `{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":4984028370881,"s":"BTCUSDT","b":"63943.90","B":"46.371","a":"63944.00","A":"0.095","T":1721347022507,"E":1721347022507}}`;
const SNAPSHOT = `{"lastUpdateId":4984028384061,"E":1721347022759,"T":1721347022750,"bids":[["63943.90","46.372"]],"asks":[["63944.00","0.1"]]}`;

/** Rebuilds a frame with its data object's keys in another order, plus optional extra keys. */
function reshaped(frame: string, order: (keys: string[]) => string[], extra: Record<string, unknown> = {}): string {
  const envelope = JSON.parse(frame) as { stream: string; data: Record<string, unknown> };
  const data: Record<string, unknown> = {};
  for (const key of order(Object.keys(envelope.data))) data[key] = envelope.data[key];
  return JSON.stringify({ data: { ...data, ...extra }, stream: envelope.stream });
}

describe("fastDecodeFrame on real recordings", () => {
  test("hftbacktest: every line of every file, and the scanner covers every depth, trade and bookTicker frame", () => {
    const dir = path.dirname(sharedDataFile("binance-usdm/hftbacktest/btcusdt_20240718.gz"));
    const files = readdirSync(dir).sort();
    expect(files.length).toBe(6);
    let depth = 0;
    let scanned = 0;
    let eventFrames = 0;
    let total = 0;
    for (const file of files) {
      const lines = recordingLines(`binance-usdm/hftbacktest/${file}`);
      total += lines.length;
      const symbol = file.split("_")[0]!.toUpperCase();
      const failures: string[] = [];
      for (const line of lines) {
        const frame = frameOf(line, false);
        const diff = compare(frame, symbol);
        if (diff) failures.push(diff);
        if (frame.includes(`"e":`)) {
          eventFrames++;
          if (scanFrame(frame) !== null) scanned++;
        }
        if (decodeFrame(frame).kind === "depth") depth++;
      }
      expect(failures.slice(0, 3)).toEqual([]);
    }
    expect(total).toBe(215_662); // the line counts in data/README.md
    expect(depth).toBe(34_061); // the count in BASELINES.md
    expect(scanned).toBe(eventFrames);
  });

  test("cryptofeed: every line of every file (websocket frames, REST snapshots, config lines)", () => {
    const dir = path.dirname(sharedDataFile("binance-usdm/cryptofeed/BINANCE_FUTURES.0"));
    let lines = 0;
    let depth = 0;
    for (const file of readdirSync(dir).sort()) {
      const all = recordingLines(`binance-usdm/cryptofeed/${file}`);
      lines += all.length;
      const frames = all.map((line) => frameOf(line, true));
      for (const line of all) {
        const hint = /symbol=([A-Z0-9]+)/.exec(line)?.[1];
        expectSame([frameOf(line, true)], hint);
        expectSame([line]);
      }
      depth += frames.filter((frame) => scanFrame(frame)?.kind === "depth").length;
    }
    expect(lines).toBe(13_234);
    expect(depth).toBeGreaterThan(1000);
  });
});

describe("fastDecodeFrame on simulator frames", () => {
  test("diffs, trades, aggTrades and snapshots of two symbols", () => {
    const sim = new MarketSimulator({ symbols: ["BTCUSDT", "ETHUSDT"], seed: 11, startTsMs: 1_767_225_600_000 });
    const frames = sim.next(20_000).map((frame) => frame.text);
    expectSame(frames);
    expect(frames.every((frame) => scanFrame(frame) !== null)).toBe(true);
    expectSame([sim.depthSnapshot("BTCUSDT"), sim.depthSnapshot("ETHUSDT", 5)], "BTCUSDT");
  });
});

describe("fastDecodeFrame edge cases", () => {
  const level = (price: string, qty: string) => DEPTH.replace(`["62109.60","0.006"]`, `[${JSON.stringify(price)},${JSON.stringify(qty)}]`);

  test.each([
    ["1e5"], ["-0.0"], ["-0"], [".5"], ["5."], ["-.5"], ["00012.5"], [""], ["."], ["-"], [" 1"], ["1 "], ["+1"], ["0x10"],
    ["Infinity"], ["-Infinity"], ["NaN"], ["1_0"], ["1.2.3"], ["abc"], ["1e400"], ["4.9e-324"], ["123456789012345"], ["1234567890123456"],
    ["12345678901234567"], ["9007199254740993"], ["0.1234567890123456789"], ["0.000000000000000000001"], ["99999999999999.9"], ["\u00a01"], ["é"],
  ])("price and quantity string %j", (value) => {
    expectSame([level(value, "1.5"), level("1.5", value)]);
    expect(scanFrame(level(value, value))).not.toBeNull(); // no escapes: always the scanner's own path
  });

  test.each([
    ["-0"], ["0"], ["-5"], ["1.0"], ["1e3"], ["1E+3"], ["1.5"], ["9007199254740991"], ["9007199254740992"], ["9007199254740993"],
    ["123456789012345678901234"], ["1e400"], ["01"], ["1."], ["-"], ["--1"], [".5"], ['"5"'], ["null"], ["true"], ["[1]"], ["{}"],
  ])("update id and event time %s", (value) => {
    for (const key of ["U", "u", "pu", "E", "T"]) expectSame([DEPTH.replace(new RegExp(`"${key}":\\d+`), `"${key}":${value}`)]);
    for (const key of ["t", "T", "E"]) expectSame([TRADE.replace(new RegExp(`"${key}":\\d+`), `"${key}":${value}`)]);
  });

  test("reordered and extra fields still take the scanner's path", () => {
    const frames: string[] = [];
    for (const frame of [DEPTH, TRADE, TICKER]) {
      frames.push(reshaped(frame, (keys) => keys.reverse()));
      frames.push(reshaped(frame, (keys) => keys.sort()));
      frames.push(reshaped(frame, (keys) => keys, { X: { nested: [1, -2.5e-3, { a: null, b: [true, false] }], s2: "x" }, zz: [] }));
    }
    expectSame(frames);
    for (const frame of frames) expect(scanFrame(frame)).not.toBeNull();
  });

  test("whitespace: pretty-printed, tabs, CRLF, leading and trailing", () => {
    const frames = [DEPTH, TRADE, TICKER].flatMap((frame) => [
      JSON.stringify(JSON.parse(frame), null, 2),
      JSON.stringify(JSON.parse(frame), null, "\t").replaceAll("\n", "\r\n"),
      ` \n${frame}`,
    ]);
    expectSame(frames);
    for (const frame of frames) expect(scanFrame(frame)).not.toBeNull();
    // Text after the closing brace: the scanner requires "}" last (its unchecked reads rely on it).
    const trailing = [DEPTH, TRADE, TICKER].map((frame) => `${frame}\t\r\n `);
    expectSame(trailing);
    for (const frame of trailing) expect(scanFrame(frame)).toBeNull();
    // Not JSON whitespace: must come out malformed, exactly as decodeFrame says.
    expectSame([`\u00a0${DEPTH}`, `${DEPTH}\u000b`, `\ufeff${DEPTH}`, DEPTH.replace(`"b":`, `"b":\f`)]);
  });

  test("escapes, duplicates, odd envelopes and wrong types fall back to decodeFrame", () => {
    const cases = [
      DEPTH.replace(`"s":"BTCUSDT"`, `"s":"BTC\\u0055SDT"`),
      DEPTH.replace(`"s":"BTCUSDT"`, `"s":"BTC\\"USDT"`),
      DEPTH.replace(`"e":"depthUpdate"`, `"\\u0065":"depthUpdate"`),
      DEPTH.replace(`"stream"`, `"str\\u0065am"`),
      DEPTH.replace(`"62109.60"`, `"62109.6\\u0030"`),
      DEPTH.replace(`"pu":`, `"u":1,"pu":`),
      DEPTH.replace(`"a":[`, `"b":[],"a":[`),
      DEPTH.replace(`"e":"depthUpdate"`, `"e":"trade","e":"depthUpdate"`),
      DEPTH.replace(`"stream"`, `"zz":1,"zz":2,"stream"`),
      DEPTH.replace(`{"stream"`, `{"data":{},"stream"`),
      DEPTH.replace(`"e":"depthUpdate"`, `"lastUpdateId":5,"e":"depthUpdate"`),
      DEPTH.replace(`"s":"BTCUSDT"`, `"s":"BTC\u0001USDT"`),
      DEPTH.replace(`"s":"BTCUSDT"`, `"s":"\ud800€"`),
      DEPTH.replace(`"s":"BTCUSDT"`, `"s":5`),
      DEPTH.replace(`"e":"depthUpdate"`, `"e":5`),
      DEPTH.replace(`"e":"depthUpdate"`, `"e":null`),
      DEPTH.replace(`"e":"depthUpdate",`, ``),
      DEPTH.replace(`"b":[`, `"b":[[],`),
      DEPTH.replace(`["62109.60","0.006"]`, `["62109.60"]`),
      DEPTH.replace(`["62109.60","0.006"]`, `["62109.60","0.006","x",[1,{}]]`),
      DEPTH.replace(`["62109.60","0.006"]`, `[62109.6,"0.006"]`),
      DEPTH.replace(`["62109.60","0.006"]`, `{"p":"1","q":"2"}`),
      DEPTH.replace(`"b":[["62109.60","0.006"],["63939.80","0.100"]]`, `"b":[]`).replace(`"a":[["63944.00","0.095"]]`, `"a":[]`),
      DEPTH.replace(`"b":[["62109.60","0.006"],["63939.80","0.100"]]`, `"b":"none"`),
      DEPTH.replace(`,"a":[["63944.00","0.095"]]`, ``),
      reshaped(DEPTH, (keys) => keys.filter((key) => key !== "b").concat("b")),
      DEPTH.replace(`"T":1721347022504`, `"T":"x"`),
      TRADE.replace(`"T":1721347022955`, `"T":"1721347022955"`),
      TRADE.replace(`"T":1721347022955,`, ``),
      TRADE.replace(`"T":1721347022955`, `"T":null`).replace(`"E":1721347022956`, `"E":"x"`),
      TRADE.replace(`"m":true`, `"m":false`),
      TRADE.replace(`"m":true`, `"m":1`),
      TRADE.replace(`"m":true`, `"m":tru`),
      TRADE.replace(`"p":"63943.90"`, `"p":63943.9`),
      TRADE.replace(`"q":"0.003"`, `"q":""`),
      TRADE.replace(`"t":5182005737`, `"t":5182005737.5`),
      TRADE.replace(`"t":5182005737`, `"t":51820057370000000000`),
      TRADE.replace(`"T":1721347022955`, `"T":${"9".repeat(400)}`),
      TRADE.replace(`"T":1721347022955`, `"T":${"9".repeat(400)}`).replace(`"E":1721347022956`, `"E":${"9".repeat(400)}`),
      TRADE.replace(`,"X":"MARKET"`, ``),
      TRADE.replace(`"X":"MARKET"`, `"X":"M\\u0041RKET"`),
      TRADE.replace(`"p":"63943.90"`, `"p":""`).replace(`"q":"0.003"`, `"q":"."`),
      TRADE.replace(`"p":"63943.90"`, `"p":"1.2.3"`),
      TRADE.replace(`"p":"63943.90"`, `"p":"063943.900000000000000001"`),
      TRADE.replace(`btcusdt@trade`, `btcusdt@trade@`),
      TRADE.replace(`"stream":"btcusdt@trade"`, `"stream":"@"`),
      `{"@`,
      `@`,
      TICKER.replace(`"e":"bookTicker"`, `"e":""`),
      `{"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"pu":0,"b":[],"a":[]}`,
      `{"stream":"x","data":null,"e":"trade"}`,
      `{"stream":"x","data":[1,2]}`,
      `{"stream":"x","data":"str"}`,
      `{"data":{"e":"markPriceUpdate","p":"1"}}`,
      `{"data":{"e":"x"}} x`,
      `{"data":{"e":"x"}},`,
      `{"data":{"e":"x"},}`,
      `{"data":{"e":"x",}}`,
      `{"data":{"e":"x"}`,
      `{"data":{"e":"x","n":[1,2,]}}`,
      `{"data":{"e":"x","n":[${"[".repeat(200)}${"]".repeat(200)}]}}`,
      `{"data":{"e":"x","n":${"{\"k\":".repeat(70)}1${"}".repeat(70)}}}`,
      `{}`, `[]`, `42`, `"x"`, `null`, ``, `   `, `{`, `{"data"}`, `{"data":}`, `{data:{}}`, `{'data':{}}`,
      SNAPSHOT,
      SNAPSHOT.replace(`"bids":[]`, `"bids":[],"symbol":"ETHUSDT"`),
      `{"stream":"x","data":${SNAPSHOT}}`,
    ];
    expectSame(cases);
    expectSame(cases, "BTCUSDT");
  });

  test("bookTicker: the shape check accepts only what JSON.parse accepts", () => {
    const cases = [
      TICKER,
      TICKER.replace(`"u":4984028370881`, `"u":04984028370881`),
      TICKER.replace(`"u":4984028370881`, `"u":-4984028370881`),
      TICKER.replace(`"u":4984028370881`, `"u":0`),
      TICKER.replace(`"u":4984028370881`, `"u":1.5e3`),
      TICKER.replace(`"b":"63943.90"`, `"b":""`),
      TICKER.replace(`"b":"63943.90"`, `"b":"6394\\u00330"`),
      TICKER.replace(`"b":"63943.90"`, `"b":"63943.90`),
      TICKER.replace(`"b":"63943.90"`, `"b":63943.90`),
      TICKER.replace(`"s":"BTCUSDT"`, `"s":"BTC\u0001USDT"`),
      TICKER.replace(`"s":"BTCUSDT"`, `"s":"BTC USDT"`),
      TICKER.replace(`"e":"bookTicker"`, `"e":"bookTicker","e":"depthUpdate"`),
      TICKER.replace(`"A":"0.095"`, `"A":"0.095","lastUpdateId":1`),
      TICKER.replace(`btcusdt@bookTicker`, `BTCUSDT@bookTicker`),
      TICKER.replace(`}}`, `} }`),
      TICKER.replace(`}}`, `}}}`),
      `${TICKER}\n`,
      TICKER.slice(0, -1),
    ];
    expectSame(cases);
  });

  test("random decimals of 1 to 17 digits parse to Number()'s double", () => {
    const rand = random(7);
    const decimal = () => {
      const digits = Array.from({ length: 1 + Math.floor(rand() * 17) }, () => Math.floor(rand() * 10)).join("");
      const dot = Math.floor(rand() * (digits.length + 2)) - 1; // -1: no dot; may lead or trail
      return dot < 0 ? digits : `${digits.slice(0, dot)}.${digits.slice(dot)}`;
    };
    const frames = Array.from({ length: 40 }, () => {
      const levels = Array.from({ length: 250 }, () => `["${decimal()}","${decimal()}"]`).join(",");
      return DEPTH.replace(`"b":[["62109.60","0.006"],["63939.80","0.100"]]`, `"b":[${levels}]`);
    });
    expectSame(frames);
    for (const frame of frames) expect(scanFrame(frame)?.kind).toBe("depth");
  });

  test("levels beyond the scratch capacity and empty sides", () => {
    const many = Array.from({ length: 1500 }, (_, i) => `["${(60000 + i / 10).toFixed(2)}","${(i % 7) / 1000}"]`).join(",");
    const frames = [
      DEPTH.replace(`"b":[["62109.60","0.006"],["63939.80","0.100"]]`, `"b":[${many}]`),
      DEPTH.replace(`"a":[["63944.00","0.095"]]`, `"a":[${many}]`),
      DEPTH.replace(`"b":[["62109.60","0.006"],["63939.80","0.100"]]`, `"b":[]`),
    ];
    expectSame(frames);
    for (const frame of frames) expect(scanFrame(frame)?.kind).toBe("depth");
  });
});

/** mulberry32: a tiny seeded generator, so failures reproduce. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("fastDecodeFrame on damaged real frames", () => {
  test("truncations, byte flips, deletions, insertions and splices of real frames", () => {
    const lines = recordingLines("binance-usdm/hftbacktest/btcusdt_20240718.gz").map((line) => frameOf(line, false));
    const sources = lines.filter((frame) => frame.length < 4000);
    const rand = random(20240718);
    const pick = (n: number) => Math.floor(rand() * n);
    const alphabet = `"{}[],:\\ \t\n.-+eE0123456789tfnulx\u0000\u00ff`;
    let fast = 0;
    let total = 0;
    const failures: string[] = [];
    for (let round = 0; round < 6000; round++) {
      let text = sources[pick(sources.length)]!;
      for (let edits = 1 + pick(3); edits > 0; edits--) {
        const at = pick(text.length + 1);
        switch (pick(5)) {
          case 0: text = text.slice(0, at); break;
          case 1: text = text.slice(0, at) + alphabet[pick(alphabet.length)] + text.slice(at + 1); break;
          case 2: text = text.slice(0, at) + text.slice(at + 1 + pick(4)); break;
          case 3: text = text.slice(0, at) + alphabet[pick(alphabet.length)] + text.slice(at); break;
          default: { const from = pick(text.length); text = text.slice(0, at) + text.slice(from, from + pick(40)) + text.slice(at); }
        }
      }
      total++;
      if (scanFrame(text) !== null) fast++;
      const diff = compare(text, "BTCUSDT");
      if (diff) failures.push(diff);
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(total).toBe(6000);
    // Many damaged frames stay valid JSON (a digit changed): the scanner's own path must be exercised too.
    expect(fast).toBeGreaterThan(500);
  });
});
