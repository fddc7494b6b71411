/**
 * Daily range partitions for the natively partitioned tables (those listed
 * in `partitioned_tables`; none under TimescaleDB, which chunks by itself).
 * PostgreSQL rejects a row with no partition for its `ts` (there is no
 * DEFAULT partition, on purpose: a default would have to be split later), so
 * the recorder calls `ensureDays` with the timestamps of each batch before
 * writing it, and the service calls `ensureAround` at start and hourly to
 * keep the next days ready. Days are UTC: `trades_p20240102` holds
 * [2024-01-02 00:00Z, 2024-01-03 00:00Z).
 *
 * Safe against other processes doing the same: CREATE ... IF NOT EXISTS, and
 * the errors a lost race can still raise are taken to mean "already there".
 */
import type { Sql } from "postgres";

export const DAY_MS = 86_400_000;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** SQLSTATEs meaning another session created the same partition, or one already covers the day. */
const ALREADY_COVERED = new Set([
  "42P07", // duplicate_table
  "23505", // unique_violation (pg_type/pg_class name, in a concurrent CREATE)
  "42P17", // invalid_object_definition: "would overlap partition" (a hand-made partition covers it)
]);

export class PartitionManager {
  #tables: Promise<Set<string>> | undefined;
  /** `${table}:${dayIndex}` for days known to have a partition. */
  readonly #known = new Set<string>();
  readonly #pending = new Map<string, Promise<void>>();

  constructor(private readonly sql: Sql) {}

  /** Makes sure `table` has a partition for the UTC day of each timestamp (exchange time, ms). A table that is not partitioned is left alone. */
  async ensureDays(table: string, tsMs: Iterable<number>): Promise<void> {
    if (!(await this.partitionedTables()).has(table)) return;
    const work: Promise<void>[] = [];
    let lastDay = Number.NaN;
    for (const ts of tsMs) {
      if (!Number.isFinite(ts)) throw new RangeError(`partition for ${table}: timestamp ${ts} is not a finite number of ms`);
      const day = Math.floor(ts / DAY_MS);
      if (day === lastDay) continue; // batches are mostly one day: skip the set lookup
      lastDay = day;
      const key = `${table}:${day}`;
      if (this.#known.has(key)) continue;
      work.push(this.#create(table, day, key));
    }
    await Promise.all(work);
  }

  /** Partitions for today and the next `daysAhead` days (UTC) in every partitioned table. */
  async ensureAround(nowMs: number, daysAhead = 2): Promise<void> {
    const days: number[] = [];
    for (let i = 0; i <= daysAhead; i++) days.push(nowMs + i * DAY_MS);
    await Promise.all([...(await this.partitionedTables())].map((table) => this.ensureDays(table, days)));
  }

  /** The tables listed in `partitioned_tables`, read once. */
  partitionedTables(): Promise<Set<string>> {
    this.#tables ??= this.sql<{ name: string }[]>`SELECT name FROM partitioned_tables`.then((rows) => {
      const names = rows.map((r) => r.name);
      const bad = names.find((n) => !IDENTIFIER.test(n));
      if (bad !== undefined) throw new Error(`partitioned_tables lists ${JSON.stringify(bad)}, which is not a plain lower-case table name`);
      return new Set(names);
    });
    this.#tables.catch(() => {
      this.#tables = undefined; // retry on the next call (the database may have been down)
    });
    return this.#tables;
  }

  #create(table: string, day: number, key: string): Promise<void> {
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#createNow(table, day)
        .then(() => {
          this.#known.add(key);
        })
        .finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  async #createNow(table: string, day: number): Promise<void> {
    const from = isoDay(day);
    const to = isoDay(day + 1);
    const name = partitionName(table, day);
    // Bounds cannot be bind parameters in DDL; they are dates we formatted, and `+00` pins them to UTC whatever the session's TimeZone.
    const ddl = `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table} FOR VALUES FROM ('${from} 00:00:00+00') TO ('${to} 00:00:00+00')`;
    try {
      await this.sql.unsafe(ddl);
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      const covered = code !== undefined && ALREADY_COVERED.has(code) && (code !== "42P17" || /overlap/i.test(message ?? ""));
      if (!covered) throw error;
    }
  }
}

/** `trades` and day 19724 (2024-01-02) → `trades_p20240102`. */
export function partitionName(table: string, day: number): string {
  return `${table}_p${isoDay(day).replaceAll("-", "")}`;
}

function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
