import { describe, expect, test } from "bun:test";
import { BinaryCopyEncoder } from "./copy-binary.ts";
import { floatsText, floatText, literal, parseSpillLine, spillLine, timestampText } from "./encode.ts";
import { BOOK, FEATURES, GAPS, TRADES } from "./rows.ts";

describe("literal", () => {
  test("floats keep -0 and use PostgreSQL's spellings for non-finite values", () => {
    expect([0, -0, 1.5, 0.1 + 0.2, Number.NaN, Infinity, -Infinity, 5e-324].map(floatText)).toEqual([
      "0", "-0", "1.5", "0.30000000000000004", "NaN", "Infinity", "-Infinity", "5e-324",
    ]);
    expect(floatsText(new Float64Array(0))).toBe("{}");
    expect(floatsText([1, -0, Number.NaN])).toBe("{1,-0,NaN}");
  });

  test("timestamps are UTC ISO with microseconds, rounded, carrying into the millisecond", () => {
    const t = Date.UTC(2024, 6, 19, 0, 0, 1, 234);
    expect(timestampText(t)).toBe("2024-07-19T00:00:01.234Z");
    expect(timestampText(t + 0.5)).toBe("2024-07-19T00:00:01.234500Z");
    expect(timestampText(t + 0.0001)).toBe("2024-07-19T00:00:01.234Z");
    expect(timestampText(t + 0.9999)).toBe("2024-07-19T00:00:01.235Z");
    expect(timestampText(t + 0.007)).toBe("2024-07-19T00:00:01.234007Z");
  });

  test("kinds and NULL", () => {
    expect(literal("bool", true)).toBe("t");
    expect(literal("int", 9_000_000_001)).toBe("9000000001");
    expect(literal("float", null)).toBeNull();
    expect(literal("text", "a\tb")).toBe("a\tb");
  });
});

describe("spill lines", () => {
  test("round-trip every kind exactly, NaN, -0 and infinities included", () => {
    const odd = [Number.NaN, -0, Infinity, -Infinity, 5e-324, Number.MAX_VALUE, 1 / 3];
    const cases = [
      { table: BOOK, values: ["BTCUSDT", 1.5e12, 1.5e12 + 0.123, 9_000_000_001, true, Float64Array.from(odd), new Float64Array(0), [1, 2], [-0]] },
      { table: TRADES, values: ["ETH\"USDT\n", 1, 2, 3, -0, Number.NaN, "buy"] },
      { table: FEATURES, values: ["X", 1, 2, null, Number.NaN, -0, Infinity, null, Float64Array.from(odd)] },
      { table: GAPS, values: ["X", 1, "started", "pu_mismatch", 1, 2, 3, 4, null, null] },
    ] as const;
    cases.forEach(({ table, values }, seq) => {
      const line = spillLine(table, seq, values as never);
      expect(line.endsWith("\n")).toBe(true);
      expect(line.slice(0, -1)).not.toContain("\n");
      const back = parseSpillLine(line.slice(0, -1));
      expect(back.table).toBe(table);
      expect(back.seq).toBe(seq);
      const norm = (v: unknown) => (v instanceof Float64Array || Array.isArray(v) ? [...(v as number[])] : v);
      const same = (a: unknown, b: unknown): boolean =>
        Array.isArray(a) ? Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i])) : Object.is(a, b);
      values.forEach((v, i) => expect(same(norm(back.values[i]), norm(v))).toBe(true));
    });
  });

  test("a malformed or truncated line is refused with the reason", () => {
    const line = spillLine(TRADES, 7, ["X", 1, 2, 3, 4, 5, "buy"]);
    expect(() => parseSpillLine(line.slice(0, 20))).toThrow();
    expect(() => parseSpillLine(`{"t":9,"q":1,"v":[]}`)).toThrow(/malformed spill row/);
    expect(() => parseSpillLine(`{"t":1,"q":1,"v":[1]}`)).toThrow(/malformed spill row/);
  });
});

describe("BinaryCopyEncoder", () => {
  test("header, int8 (negative), float8, NULL, empty array and trailer are laid out as COPY BINARY expects", () => {
    const bytes = new BinaryCopyEncoder(16).encode(GAPS, [["AB", 946_684_800_000, "started", "x", -5, 2, 3, 946_684_800_000.001, null, -0]]);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(new TextDecoder().decode(bytes.subarray(0, 6))).toBe("PGCOPY");
    expect(view.getInt32(11)).toBe(0);
    let p = 19;
    expect(view.getInt16(p)).toBe(10);
    p += 2;
    expect(view.getInt32(p)).toBe(2); // "AB"
    p += 6;
    expect([view.getInt32(p), view.getBigInt64(p + 4)]).toEqual([8, 0n]); // 2000-01-01 is the PostgreSQL epoch
    p += 12;
    p += 4 + 7 + 4 + 1; // phase, reason
    expect(view.getBigInt64(p + 4)).toBe(-5n);
    p += 12 * 3;
    expect(view.getBigInt64(p + 4)).toBe(1n); // exch_ts one microsecond after the epoch
    p += 12;
    expect(view.getInt32(p)).toBe(-1); // NULL
    p += 4;
    expect(Object.is(view.getFloat64(p + 4), -0)).toBe(true);
    p += 12;
    expect(view.getInt16(p)).toBe(-1);
    expect(p + 2).toBe(bytes.length);

    const empty = new BinaryCopyEncoder().encode(BOOK, [["X", 0, 0, 1, false, new Float64Array(0), [], [1], [2]]]);
    // symbol(4+1) ts(12) local(12) u(12) stale(5) then the empty bid_px array: length 12, ndim 0, no nulls, oid 701
    const v2 = new DataView(empty.buffer, empty.byteOffset);
    const at = 19 + 2 + 5 + 12 * 3 + 5;
    expect([v2.getInt32(at), v2.getInt32(at + 4), v2.getInt32(at + 8), v2.getInt32(at + 12)]).toEqual([12, 0, 0, 701]);
  });

  test("an int8 that is not a safe integer is refused, naming it", () => {
    expect(() => new BinaryCopyEncoder().encode(TRADES, [["X", 0, 0, 2 ** 60, 1, 1, "buy"]])).toThrow(/not a safe integer/);
  });
});
