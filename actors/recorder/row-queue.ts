/**
 * The recorder's in-memory FIFO of rows waiting for the database: an array
 * with a moving head (amortised O(1) push and take, compacted lazily), and
 * a per-table count for the metrics.
 */
import { TABLES, type RowValues, type TableId } from "./rows.ts";

/** One row with its sequence number in the recorder session (rows are written in this order). */
export interface QueuedRow {
  readonly table: TableId;
  readonly seq: number;
  readonly values: RowValues;
}

export class RowQueue {
  private rows: QueuedRow[] = [];
  private head = 0;
  /** Rows per table id, for the metrics. */
  readonly perTable = TABLES.map(() => 0);

  get length(): number {
    return this.rows.length - this.head;
  }

  push(row: QueuedRow): void {
    this.rows.push(row);
    this.perTable[row.table]!++;
  }

  /** Removes and returns the oldest `max` rows (fewer when there are fewer). */
  take(max: number): QueuedRow[] {
    const end = Math.min(this.rows.length, this.head + max);
    const out = this.rows.slice(this.head, end);
    this.head = end;
    for (const row of out) this.perTable[row.table]!--;
    if (this.head === this.rows.length) {
      this.rows = [];
      this.head = 0;
    } else if (this.head > 65_536 && this.head * 2 > this.rows.length) {
      this.rows = this.rows.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Removes and returns everything. */
  takeAll(): QueuedRow[] {
    return this.take(this.length);
  }

  /** Puts rows back at the front (they are older than everything queued). */
  unshift(rows: readonly QueuedRow[]): void {
    this.rows = [...rows, ...this.rows.slice(this.head)];
    this.head = 0;
    for (const row of rows) this.perTable[row.table]!++;
  }
}
