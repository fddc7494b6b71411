/**
 * PGlite inside the single executable: `embedded-probe.ts` compiled with
 * `bun build --compile` and run from a temporary folder with no
 * node_modules, Bun or repository in reach. Without the engine files that
 * pglite-assets.ts embeds, the binary fails at start (ENOENT on
 * /$bunfs/root/pglite.data).
 */
import { MIGRATIONS } from "../../sql/index.ts";
import { afterAll, beforeAll, expect, test } from "bun:test";
import path from "node:path";
import { makeTempDir, type TempDir } from "./testing.ts";

let work: TempDir;
let binary: string;

beforeAll(() => {
  work = makeTempDir("genesis-db-binary-");
  binary = path.join(work.path, "probe");
  const build = Bun.spawnSync([process.execPath, "build", "--compile", path.join(import.meta.dir, "embedded-probe.ts"), "--outfile", binary]);
  if (build.exitCode !== 0) throw new Error(`bun build --compile failed: ${build.stderr.toString()}`);
}, 120_000);

afterAll(() => work?.remove());

function runProbe(): { exitCode: number | null; stdout: string; stderr: string } {
  const run = Bun.spawnSync([binary, "data"], { cwd: work.path, env: { PATH: "/usr/bin:/bin", HOME: work.path } });
  return { exitCode: run.exitCode, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
}

test("the compiled binary creates, migrates, writes and reads an embedded database, then reopens it", () => {
  const first = runProbe();
  expect(first.stderr).toBe("");
  expect(first.exitCode).toBe(0);
  const created = JSON.parse(first.stdout);
  expect(created).toMatchObject({
    kind: "embedded",
    description: `embedded PGlite at ${path.join(work.path, "data", "pg")}`,
    rows: 1,
    tsMs: Date.UTC(2024, 0, 2, 3, 4, 5, 678),
    xs: [0.1 + 0.2, -1e-300, 42],
    migrations: MIGRATIONS.map((m) => m.name),
  });

  const second = runProbe(); // the existing directory: no initdb, the first row still there
  expect(second.exitCode).toBe(0);
  expect(JSON.parse(second.stdout)).toMatchObject({ rows: 2, migrations: MIGRATIONS.map((m) => m.name) });
}, 60_000);
