/**
 * PostgreSQL binary COPY encoding (`COPY t (cols) FROM STDIN WITH (FORMAT
 * binary)`), pure. Measured on this machine it loads feature rows (58
 * doubles each) about 5x faster than text COPY or multi-row INSERT: the
 * server copies 8-byte floats instead of parsing decimals, and the encoding
 * is exact by construction (the float bits travel as they are, -0 and NaN
 * included).
 *
 * Layout: signature, flags and header-extension length; per row an int16
 * field count, then per field an int32 byte length (-1 for NULL) and the
 * value in network byte order; an int16 -1 trailer. timestamptz is int64
 * microseconds since 2000-01-01 UTC; float8[] is the array_send layout
 * (ndim, has-null flag, element oid 701, then size and lower bound per
 * dimension, then length-prefixed elements); jsonb is a version byte (1)
 * followed by the JSON text.
 */
import { epochMicros } from "./encode.ts";
import { TABLES, type RowValue, type RowValues, type TableId } from "./rows.ts";

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]; // "PGCOPY\n\377\r\n\0"
/** 2000-01-01T00:00:00Z in Unix microseconds. */
const PG_EPOCH_US = 946_684_800_000_000;
const FLOAT8_OID = 701;
const TWO_32 = 4_294_967_296;
/** jsonb_send's format version, the first byte of a binary jsonb value. */
const JSONB_VERSION = 1;

export class BinaryCopyEncoder {
  private buf: Uint8Array;
  private view: DataView;
  private n = 0;
  private readonly text = new TextEncoder();

  constructor(initialBytes = 1 << 20) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  /** Encodes `rows` of `table` as one complete COPY stream. `overrideColumn` takes `override` instead of the row's value (the feature set id). */
  encode(table: TableId, rows: readonly RowValues[], overrideColumn = -1, override: RowValue = null): Uint8Array {
    const kinds = TABLES[table]!.kinds;
    this.n = 0;
    this.reserve(19);
    this.buf.set(SIGNATURE, 0);
    this.view.setInt32(11, 0); // flags: no OIDs
    this.view.setInt32(15, 0); // header extension length
    this.n = 19;
    for (const row of rows) {
      this.int16(kinds.length);
      for (let c = 0; c < kinds.length; c++) {
        const value = c === overrideColumn ? override : row[c]!;
        if (value === null) {
          this.int32(-1);
          continue;
        }
        switch (kinds[c]!) {
          case "text":
            this.string(value as string);
            break;
          case "jsonb":
            this.string(value as string, JSONB_VERSION);
            break;
          case "ts":
            this.int64(epochMicros(value as number) - PG_EPOCH_US);
            break;
          case "int":
            this.int64(value as number);
            break;
          case "int4":
            this.int32(4);
            this.int32(value as number);
            break;
          case "float":
            this.float64(value as number);
            break;
          case "bool":
            this.reserve(5);
            this.view.setInt32(this.n, 1);
            this.buf[this.n + 4] = value ? 1 : 0;
            this.n += 5;
            break;
          case "floats":
            this.floats(value as Float64Array | readonly number[]);
            break;
        }
      }
    }
    this.int16(-1);
    // A copy: the internal buffer is reused by the next call while the driver may still hold this one.
    return this.buf.slice(0, this.n);
  }

  private reserve(bytes: number): void {
    if (this.n + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + bytes) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.n));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  private int16(v: number): void {
    this.reserve(2);
    this.view.setInt16(this.n, v);
    this.n += 2;
  }

  private int32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.n, v);
    this.n += 4;
  }

  /** A length-prefixed int8 field; `v` must be a safe integer (two's complement split into two words). */
  private int64(v: number): void {
    if (!Number.isSafeInteger(v)) throw new RangeError(`binary COPY: ${v} is not a safe integer for an int8 column`);
    this.reserve(12);
    const hi = Math.floor(v / TWO_32);
    this.view.setInt32(this.n, 8);
    this.view.setInt32(this.n + 4, hi);
    this.view.setUint32(this.n + 8, v - hi * TWO_32);
    this.n += 12;
  }

  private float64(v: number): void {
    this.reserve(12);
    this.view.setInt32(this.n, 8);
    this.view.setFloat64(this.n + 4, v);
    this.n += 12;
  }

  /** A length-prefixed UTF-8 field, after one `prefixByte` when given (jsonb's version). */
  private string(s: string, prefixByte = -1): void {
    const prefix = prefixByte >= 0 ? 1 : 0;
    this.reserve(4 + prefix + s.length * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
    if (prefix) this.buf[this.n + 4] = prefixByte;
    const { written } = this.text.encodeInto(s, this.buf.subarray(this.n + 4 + prefix));
    this.view.setInt32(this.n, prefix + written);
    this.n += 4 + prefix + written;
  }

  private floats(values: Float64Array | readonly number[]): void {
    const count = values.length;
    const size = count === 0 ? 12 : 20 + 12 * count;
    this.reserve(4 + size);
    const view = this.view;
    let p = this.n;
    view.setInt32(p, size);
    view.setInt32(p + 4, count === 0 ? 0 : 1); // dimensions
    view.setInt32(p + 8, 0); // no NULL elements
    view.setInt32(p + 12, FLOAT8_OID);
    p += 16;
    if (count > 0) {
      view.setInt32(p, count);
      view.setInt32(p + 4, 1); // lower bound
      p += 8;
      for (let i = 0; i < count; i++) {
        view.setInt32(p, 8);
        view.setFloat64(p + 4, values[i]!);
        p += 12;
      }
    }
    this.n = p;
  }
}
