/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the
 * command line) and prints one JSON object per line:
 * {"bench": NAME, "value": NUMBER, "unit": UNIT}.
 */
import { Glob } from "bun";
import path from "node:path";

export interface BenchResult {
  bench: string;
  value: number;
  unit: string;
}

const only = Bun.argv.slice(2);
const files = [...new Glob("*.bench.ts").scanSync(import.meta.dir)].sort();
let failed = false;
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, "");
  if (only.length > 0 && !only.includes(name)) continue;
  const module = (await import(path.join(import.meta.dir, file))) as { run(): Promise<BenchResult[]> };
  try {
    for (const result of await module.run()) console.log(JSON.stringify(result));
  } catch (error) {
    failed = true;
    console.error(`bench ${name} failed:`, error);
  }
}
process.exit(failed ? 1 : 0);
