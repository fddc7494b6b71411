/**
 * Smoke test of the single executable: compiled to a temporary folder and run
 * from there, with no node_modules, Bun or repository on its path.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type RunningGenesis, readSse, spawnGenesis } from "./testing/spawn-genesis.ts";

const repoRoot = path.resolve(import.meta.dir, "..");
let workDir: string;
let genesis: RunningGenesis;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), "genesis-binary-"));
  const binary = path.join(workDir, "genesis");
  const build = Bun.spawnSync([process.execPath, path.join(repoRoot, "scripts/compile.ts"), binary], { cwd: repoRoot });
  if (build.exitCode !== 0) throw new Error(`compile failed: ${build.stderr.toString()}`);
  genesis = await spawnGenesis(["--symbols", "ETHUSDT"], { command: [binary], cwd: workDir, env: { PATH: "/usr/bin:/bin", HOME: workDir } });
}, 180_000);

afterAll(async () => {
  await genesis?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("compiled binary", () => {
  test("serves health with the native engine it embeds", async () => {
    const health = (await (await fetch(`${genesis.url}/health`)).json()) as Record<string, unknown>;
    expect(health.status).toBe("ok");
    expect(health.engine).toBe("native");
    expect(genesis.stderr()).not.toContain("native analytics unavailable");
  });

  test("serves the embedded assets and the dashboard", async () => {
    for (const asset of ["/assets/htmx.min.js", "/assets/uPlot.iife.min.js"]) {
      const response = await fetch(`${genesis.url}${asset}`);
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    const page = await (await fetch(`${genesis.url}/`)).text();
    expect(page).toContain("ETHUSDT");
  });

  test("serves DeepLOB predictions with the embedded model and onnxruntime", async () => {
    const messages = await readSse(`${genesis.url}/sse?events=prediction`, 3, 20_000);
    expect(messages.length).toBe(3);
    const prediction = JSON.parse(messages[0]!.data);
    expect(prediction.symbol).toBe("ETHUSDT");
    expect(prediction.up + prediction.stationary + prediction.down).toBeCloseTo(1, 5);
    expect(typeof prediction.model).toBe("string");
    // onnxruntime's native files were extracted once, together, into the private cache under HOME.
    const cache = path.join(workDir, ".cache", "genesis");
    const runtime = readdirSync(cache).filter((name) => name.startsWith("ort-") && !name.includes(".tmp-"));
    expect(runtime).toHaveLength(1);
    for (const file of ["onnxruntime_binding.node", "libonnxruntime.so.1"]) expect(existsSync(path.join(cache, runtime[0]!, file))).toBe(true);
  });

  test("streams book and features events", async () => {
    const messages = await readSse(`${genesis.url}/sse?events=book,features`, 20);
    expect(messages.filter((m) => m.event === "book").length).toBeGreaterThan(0);
    expect(messages.filter((m) => m.event === "features").length).toBeGreaterThan(0);
  });
});
