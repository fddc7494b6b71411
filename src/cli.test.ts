import { describe, expect, test } from "bun:test";
import { CliExit, parseServeArgs } from "./cli.ts";

function exitOf(argv: string[]): CliExit {
  try {
    parseServeArgs(argv);
  } catch (error) {
    if (error instanceof CliExit) return error;
    throw error;
  }
  throw new Error(`expected ${argv.join(" ")} to exit`);
}

describe("cli", () => {
  test("defaults", () => {
    expect(parseServeArgs([])).toEqual({ mode: "sim", symbols: ["BTCUSDT", "ETHUSDT"], host: "127.0.0.1", port: 8000, seed: 1, engine: "native", rate: 150 });
  });

  test("parses every flag", () => {
    const options = parseServeArgs(["--symbols", "btcusdt,SOLUSDT", "--host", "0.0.0.0", "--port", "0", "--seed", "42", "--engine", "ts", "--rate", "20"]);
    expect(options).toMatchObject({ symbols: ["BTCUSDT", "SOLUSDT"], host: "0.0.0.0", port: 0, seed: 42, engine: "ts", rate: 20 });
  });

  test.each([
    [["--prot", "8000"], "--prot"],
    [["--port", "80x"], "--port"],
    [["--port", "70000"], "--port"],
    [["--mode", "paper"], "--mode"],
    [["--engine", "gpu"], "--engine"],
    [["--symbols", "BTC-USDT"], "BTC-USDT"],
    [["--seed", "-1"], "--seed"],
    [["stray"], "stray"],
  ])("%p exits 2 naming %s", (argv, named) => {
    const exit = exitOf(argv);
    expect(exit.exitCode).toBe(2);
    expect(exit.message).toContain(named);
  });

  test("replay and live say they are not available yet", () => {
    const exit = exitOf(["--mode", "live"]);
    expect(exit.exitCode).toBe(2);
    expect(exit.message).toContain("not available yet");
  });

  test("--help exits 0 with usage", () => {
    const exit = exitOf(["--help"]);
    expect(exit.exitCode).toBe(0);
    expect(exit.message).toContain("--symbols");
  });
});
