/** The CLI contract as a user meets it: a typo names the flag and exits 2. */
import { expect, test } from "bun:test";
import path from "node:path";
import { sharedDataFile } from "./shared-data.ts";

const main = path.resolve(import.meta.dir, "main.ts");

test.each([
  [["--prot", "8000"], "--prot"],
  [["--port", "eighty"], "--port"],
  [["--mode", "replay"], "--input"],
])("genesis %p exits 2 and says %s", (args, said) => {
  const result = Bun.spawnSync([process.execPath, main, ...args]);
  expect(result.exitCode).toBe(2);
  expect(result.stderr.toString()).toContain(said);
});

test("--help prints usage and exits 0", () => {
  const result = Bun.spawnSync([process.execPath, main, "--help"]);
  expect(result.exitCode).toBe(0);
  expect(result.stdout.toString()).toContain("--engine");
});

test("eval detectors on a recording it cannot use: one line naming it, exit 2, no stack trace", () => {
  const diffOnly = sharedDataFile("binance-usdm/hftbacktest/btcusdt_20240719.gz");
  const result = Bun.spawnSync([process.execPath, main, "eval", "detectors", "--episodes", "1", "--input", diffOnly]);
  expect(result.exitCode).toBe(2);
  const stderr = result.stderr.toString();
  expect(stderr).toBe(`genesis: eval recordings: BTCUSDT has no REST snapshot to start a book from: files=${diffOnly}\n`);
  expect(result.stdout.toString()).toBe("");
}, 30_000);

test.each([
  [["export", "--events", "anomaly", "--input"]],
  [["eval", "model", "--input"]],
  [["eval", "detectors", "--episodes", "1", "--input"]],
])("genesis %p on a file that is no recording: one line naming it, exit 2", (args) => {
  const notRecording = path.resolve(import.meta.dir, "../README.md");
  const result = Bun.spawnSync([process.execPath, main, ...args, notRecording]);
  expect(result.exitCode).toBe(2);
  const stderr = result.stderr.toString().trim();
  expect(stderr.split("\n").length).toBe(1);
  expect(stderr).toContain(`${notRecording}: unrecognised recording format`);
}, 30_000);
