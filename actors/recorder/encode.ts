/**
 * Row encodings, pure and exact (the binary COPY encoding is in copy-binary.ts):
 * - `literal`: the PostgreSQL text form of one value, sent as a query
 *   parameter of unknown type on the multi-row INSERT path; null for NULL.
 * - `spillLine` / `parseSpillLine`: one JSON object per line for the spill
 *   file. JSON has no NaN or infinities, so non-finite numbers travel as the
 *   strings "NaN", "Infinity", "-Infinity" and are turned back into numbers
 *   by column kind on the way in.
 *
 * Exactness: a double is written as JavaScript's shortest round-trip
 * decimal (`-0` kept), which PostgreSQL's float8 input parses to the same
 * bits; NaN and +-Infinity use PostgreSQL's spellings. Times are ISO 8601 in
 * UTC with microseconds (timestamptz's resolution), so a fractional local
 * receive time keeps its microseconds.
 */
import { TABLES, type ColumnKind, type RowValue, type RowValues, type TableId } from "./rows.ts";

export function floatText(x: number): string {
  if (x === 0 && 1 / x < 0) return "-0";
  return String(x); // NaN, Infinity and -Infinity are spelled as PostgreSQL reads them
}

/** Epoch milliseconds (fractional allowed) -> microseconds, the resolution of timestamptz. Both write paths round the same way. */
export function epochMicros(ms: number): number {
  return Math.round(ms * 1000);
}

/** Epoch milliseconds -> `YYYY-MM-DDTHH:MM:SS.mmm[uuu]Z`, rounded to the microsecond. */
export function timestampText(ms: number): string {
  const us = epochMicros(ms);
  const whole = Math.floor(us / 1000);
  const micros = us - whole * 1000;
  const iso = new Date(whole).toISOString();
  if (micros === 0) return iso;
  return `${iso.slice(0, -1)}${micros < 10 ? "00" : micros < 100 ? "0" : ""}${micros}Z`;
}

/** `{1.5,-0,NaN}`: an array literal of float8. */
export function floatsText(values: Float64Array | readonly number[]): string {
  const n = values.length;
  if (n === 0) return "{}";
  let out = "{" + floatText(values[0]!);
  for (let i = 1; i < n; i++) out += "," + floatText(values[i]!);
  return out + "}";
}

/** The text form of one value, as a query parameter, or null for NULL. */
export function literal(kind: ColumnKind, value: RowValue): string | null {
  if (value === null) return null;
  switch (kind) {
    case "text":
    case "jsonb":
      return value as string;
    case "ts":
      return timestampText(value as number);
    case "int":
    case "int4":
      return String(value as number);
    case "float":
      return floatText(value as number);
    case "bool":
      return value ? "t" : "f";
    case "floats":
      return floatsText(value as Float64Array);
  }
}

// ------------------------------------------------------------------ spill

function jsonValue(kind: ColumnKind, value: RowValue): string {
  if (value === null) return "null";
  switch (kind) {
    case "text":
    case "jsonb":
      return JSON.stringify(value);
    case "bool":
      return value ? "true" : "false";
    case "ts":
    case "int":
    case "int4":
    case "float":
      return jsonNumber(value as number);
    case "floats": {
      const values = value as Float64Array;
      let out = "[";
      for (let i = 0; i < values.length; i++) out += (i > 0 ? "," : "") + jsonNumber(values[i]!);
      return out + "]";
    }
  }
}

function jsonNumber(x: number): string {
  return Number.isFinite(x) ? floatText(x) : `"${x}"`;
}

/** `{"t":<table id>,"q":<seq>,"v":[...]}` plus a newline. */
export function spillLine(table: TableId, seq: number, values: RowValues): string {
  const kinds = TABLES[table]!.kinds;
  let out = `{"t":${table},"q":${seq},"v":[`;
  for (let i = 0; i < kinds.length; i++) out += (i > 0 ? "," : "") + jsonValue(kinds[i]!, values[i]!);
  return out + "]}\n";
}

export interface SpilledRow {
  readonly table: TableId;
  readonly seq: number;
  readonly values: RowValues;
}

/** Parses one spill line; throws a SyntaxError or RangeError naming the problem when it is malformed. */
export function parseSpillLine(line: string): SpilledRow {
  const parsed = JSON.parse(line) as { t: number; q: number; v: unknown[] };
  const spec = TABLES[parsed.t];
  if (!spec || !Number.isSafeInteger(parsed.q) || !Array.isArray(parsed.v) || parsed.v.length !== spec.kinds.length) {
    throw new RangeError(`malformed spill row: ${line.slice(0, 120)}`);
  }
  const values = parsed.v.map((v, i) => fromJson(spec.kinds[i]!, v));
  return { table: parsed.t as TableId, seq: parsed.q, values };
}

function fromJson(kind: ColumnKind, value: unknown): RowValue {
  if (value === null) return null;
  if (kind === "floats") return (value as (number | string)[]).map(Number);
  if (kind === "text" || kind === "jsonb" || kind === "bool") return value as RowValue;
  return Number(value);
}
