import { describe, expect, test } from "bun:test";
import path from "node:path";
import { sharedDataFile } from "./shared-data.ts";
import { CliExit, parseArgs } from "./cli.ts";

function exitOf(argv: string[]): CliExit {
  try {
    parseArgs(argv);
  } catch (error) {
    if (error instanceof CliExit) return error;
    throw error;
  }
  throw new Error(`expected ${argv.join(" ")} to exit`);
}

const recording = sharedDataFile("binance-usdm/hftbacktest/btcusdt_20240718.gz");

describe("cli", () => {
  test("defaults", () => {
    expect(parseArgs([])).toMatchObject({ command: "serve", mode: "sim", symbols: ["BTCUSDT", "ETHUSDT"], host: "127.0.0.1", port: 8000, seed: 1, engine: "native", rate: 150, depthSpeed: "100ms" });
  });

  test("parses every serve flag", () => {
    const options = parseArgs(["--symbols", "btcusdt,SOLUSDT", "--host", "0.0.0.0", "--port", "0", "--seed", "42", "--engine", "ts", "--rate", "20", "--record", "/tmp/rec", "--token", "s3cret"]);
    expect(options).toMatchObject({ symbols: ["BTCUSDT", "SOLUSDT"], host: "0.0.0.0", port: 0, seed: 42, engine: "ts", rate: 20, record: "/tmp/rec", token: "s3cret" });
  });

  test("replay takes files and a speed; symbols default to those in the input", () => {
    const options = parseArgs(["--mode", "replay", "--input", recording, "--speed", "max"]);
    expect(options).toMatchObject({ mode: "replay", input: [recording], speed: "max" });
    expect((options as { symbols?: string[] }).symbols).toBeUndefined();
    expect(parseArgs(["--mode", "replay", "--input", recording, "--speed", "10"])).toMatchObject({ speed: 10 });
  });

  test("live takes the exchange bases and the depth speed", () => {
    const options = parseArgs(["--mode", "live", "--binance-ws", "ws://127.0.0.1:9000/", "--binance-rest", "http://127.0.0.1:9001", "--depth-speed", "0ms"]);
    expect(options).toMatchObject({ mode: "live", binanceWs: "ws://127.0.0.1:9000", binanceRest: "http://127.0.0.1:9001", depthSpeed: "0ms" });
  });

  test("database flags", () => {
    expect(parseArgs([])).toMatchObject({ dataDir: "./genesis-data", recordBookMs: 100, fromDb: false });
    expect(parseArgs(["--no-record"])).toMatchObject({ record: false });
    expect(parseArgs(["--db", "postgres://root@127.0.0.1:5432/test", "--record-book-ms", "0"])).toMatchObject({ db: "postgres://root@127.0.0.1:5432/test", recordBookMs: 0 });
    const fromDb = parseArgs(["--mode", "replay", "--from-db", "--symbols", "BTCUSDT", "--start", "2024-07-18T23:57:00Z", "--end", "1721347300000"]);
    expect(fromDb).toMatchObject({ fromDb: true, symbols: ["BTCUSDT"], start: Date.parse("2024-07-18T23:57:00Z"), end: 1721347300000 });
  });

  test("eval detectors", () => {
    expect(parseArgs(["eval", "detectors"])).toEqual({ command: "eval-detectors", seed: 1, episodes: 50, input: [] } as never);
    expect(parseArgs(["eval", "detectors", "--seed", "7", "--episodes", "5", "--input", "btcusdt_20240718.gz,ethusdt_20240718.gz"])).toMatchObject({ seed: 7, episodes: 5, input: ["btcusdt_20240718.gz", "ethusdt_20240718.gz"] });
    expect(exitOf(["eval", "detectors", "--episodes", "0"]).message).toContain("--episodes");
    // Recordings: a path, or a bare name from the shared folder; a missing one exits 2 naming it.
    expect(parseArgs(["eval", "detectors", "--input", `btcusdt_20240718.gz,${recording}`])).toMatchObject({ input: ["btcusdt_20240718.gz", recording] });
    for (const missing of ["/nope.gz", "nope_20240718.gz"]) {
      const exit = exitOf(["eval", "detectors", "--input", missing]);
      expect(exit.exitCode).toBe(2);
      expect(exit.message).toContain(`--input: no such file "${missing}"`);
    }
    expect(parseArgs(["eval", "detectors", "--seeds", "3-5,9,4"])).toMatchObject({ seeds: [3, 4, 5, 9], episodes: 50 });
    for (const [bad, named] of [["5-3", "backwards"], ["1-x", "'1-x'"], ["", "''"], ["0-20000", "more than 10000"]]) {
      const exit = exitOf(["eval", "detectors", "--seeds", bad!]);
      expect(exit.exitCode).toBe(2);
      expect(exit.message).toContain("--seeds");
      expect(exit.message).toContain(named!);
    }
    for (const both of [["--seed", "2", "--seeds", "1-3"], ["--seeds", "1-3", "--seed", "2"]]) {
      const exit = exitOf(["eval", "detectors", ...both]);
      expect(exit.exitCode).toBe(2);
      expect(exit.message).toContain("'--seed <n>'");
    }
    // The limit counts distinct seeds: overlapping ranges are fine.
    expect((parseArgs(["eval", "detectors", "--seeds", "1-9000,1-9500"]) as { seeds: number[] }).seeds.length).toBe(9500);
  });

  test("model flags", () => {
    expect(parseArgs([])).toMatchObject({ device: "cpu", predictEvents: 10, predictMs: 100 });
    expect((parseArgs([]) as { model?: unknown }).model).toBeUndefined();
    expect(parseArgs(["--no-model"])).toMatchObject({ model: false });
    const folder = path.resolve(import.meta.dir, "../models/default");
    expect(parseArgs(["--model", folder, "--device", "cuda", "--predict-events", "5", "--predict-ms", "0"])).toMatchObject({ model: folder, device: "cuda", predictEvents: 5, predictMs: 0 });
    expect(parseArgs(["eval", "model", "--input", recording])).toEqual({ command: "eval-model", device: "cpu", input: [recording] } as never);
    expect(exitOf(["--model", "/nonexistent/model"]).message).toContain("--model: model not found: path=/nonexistent/model");
    expect(exitOf(["--model", recording]).message).toContain("--model");
    expect(exitOf(["--device", "tpu"]).message).toContain("--device");
    expect(exitOf(["--predict-events", "0"]).message).toContain("--predict-events");
    expect(exitOf(["eval", "model"]).message).toContain("--input");
    expect(exitOf(["eval", "model", "--model", "/nope", "--input", recording]).exitCode).toBe(2);
  });

  test("export", () => {
    expect(parseArgs(["export", "--input", recording, "--events", "book,gap"])).toEqual({ command: "export", input: [recording], events: ["book", "gap"], engine: "native" } as never);
  });

  test.each([
    [["--prot", "8000"], "--prot"],
    [["--port", "80x"], "--port"],
    [["--port", "70000"], "--port"],
    [["--mode", "paper"], "--mode"],
    [["--engine", "gpu"], "--engine"],
    [["--symbols", "BTC/USDT"], "BTC/USDT"],
    [["--seed", "-1"], "--seed"],
    [["stray"], "stray"],
    [["--mode", "replay"], "--input"],
    [["--mode", "replay", "--input", "/nope.gz"], "/nope.gz"],
    [["--input", recording], "--mode replay"],
    [["--speed", "fast"], "--speed"],
    [["--binance-ws", "https://x"], "--binance-ws"],
    [["--depth-speed", "1ms"], "--depth-speed"],
    [["export"], "--input"],
    [["--db", "mysql://x"], "--db"],
    [["--record-book-ms", "-5"], "--record-book-ms"],
    [["--mode", "replay", "--from-db", "--symbols", "BTCUSDT", "--start", "2024-07-18"], "--end"],
    [["--mode", "replay", "--from-db", "--start", "2024-07-18", "--end", "2024-07-19"], "--symbols"],
    [["--mode", "replay", "--from-db", "--symbols", "BTCUSDT", "--start", "yesterday", "--end", "2024-07-19"], "--start"],
    [["--from-db"], "--mode replay"],
    [["export", "--input", recording, "--events", "book,quotes"], "quotes"],
  ])("%p exits 2 naming %s", (argv, named) => {
    const exit = exitOf(argv);
    expect(exit.exitCode).toBe(2);
    expect(exit.message).toContain(named);
  });

  test("--help exits 0 with usage", () => {
    const exit = exitOf(["--help"]);
    expect(exit.exitCode).toBe(0);
    expect(exit.message).toContain("--symbols");
    expect(exitOf(["export", "--help"]).message).toContain("--events");
  });
});
