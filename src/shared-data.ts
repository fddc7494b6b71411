/**
 * Where the real recorded market data lives: `GENESIS_DATA`, else
 * `../shared/data` beside the repository. Tests and benchmarks read it by
 * path; it is never copied into the repository.
 */
import { existsSync } from "node:fs";
import path from "node:path";

export const SHARED_DATA_DIR = process.env.GENESIS_DATA ?? path.resolve(import.meta.dir, "../../shared/data");

/** Absolute path of a file under the data folder; throws a clear error when it is missing. */
export function sharedDataFile(relative: string): string {
  const full = path.join(SHARED_DATA_DIR, relative);
  if (!existsSync(full)) throw new Error(`recording not found: ${full} (set GENESIS_DATA to the shared data folder)`);
  return full;
}
