/**
 * The migrations, in order. Each file is a static `with { type: "text" }`
 * import so that `bun build --compile` embeds the SQL in the binary; a new
 * migration is a new numbered file plus one line here (never an edit to an
 * applied file: the runner refuses a changed checksum).
 */
import m001 from "./001_market_data.sql" with { type: "text" };
import m002 from "./002_recorder_progress.sql" with { type: "text" };
import m003 from "./003_anomalies.sql" with { type: "text" };

export interface MigrationFile {
  /** The number the file name starts with; applied in ascending order. */
  readonly version: number;
  /** The file name, e.g. `001_market_data.sql`. */
  readonly name: string;
  readonly text: string;
}

export const MIGRATIONS: readonly MigrationFile[] = [
  { version: 1, name: "001_market_data.sql", text: m001 },
  { version: 2, name: "002_recorder_progress.sql", text: m002 },
  { version: 3, name: "003_anomalies.sql", text: m003 },
];
