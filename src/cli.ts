/**
 * Command-line parsing (commander). Every flag is validated here; a typo or a
 * bad value names the flag and exits with status 2.
 *
 *   genesis [serve flags]          the service (sim, replay or live)
 *   genesis export --input FILES   recordings to NDJSON events on stdout
 *   genesis eval detectors|model   measure the detectors or the DeepLOB model
 */
import { existsSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { ReplaySpeed } from "../actors/feed/replay-driver.ts";
import { resolveModelFiles } from "../actors/inference/model-metadata.ts";
import { resolveRecording } from "../actors/surveillance/eval/recordings.ts";
import type { Device } from "../actors/inference/model.ts";
import { DEFAULT_PREDICTOR_OPTIONS } from "../actors/inference/predictor.ts";
import { DEFAULT_SYMBOLS } from "./symbols.ts";
import type { Engine, Mode } from "./switchboard.ts";

export type DepthSpeed = "0ms" | "100ms" | "250ms" | "500ms";

export interface ServeOptions {
  command: "serve";
  mode: Mode;
  /** Undefined in replay mode without --symbols: the symbols found in the input. */
  symbols: string[] | undefined;
  host: string;
  port: number;
  seed: number;
  engine: Engine;
  rate: number;
  input: string[];
  speed: ReplaySpeed;
  /** A folder: record raw frames there. false: --no-record, no database recording either. */
  record: string | false | undefined;
  db: string | undefined;
  dataDir: string;
  recordBookMs: number;
  fromDb: boolean;
  start: number | undefined;
  end: number | undefined;
  binanceWs: string;
  binanceRest: string;
  depthSpeed: DepthSpeed;
  token: string | undefined;
  /** A model folder or .onnx; undefined: the shipped default model; false: --no-model. */
  model: string | false | undefined;
  device: Device;
  predictEvents: number;
  predictMs: number;
}

export const EXPORT_EVENTS = ["book", "features", "trade", "gap", "anomaly"] as const;
export type ExportEvent = (typeof EXPORT_EVENTS)[number];

export interface ExportOptions {
  command: "export";
  input: string[];
  events: ExportEvent[];
  symbols: string[] | undefined;
  engine: Engine;
}

export interface EvalDetectorsOptions {
  command: "eval-detectors";
  seed: number;
  /** --seeds: the same run for each of these seeds, pooled (eval-detectors-seeds.ts); absent for one seed. */
  seeds?: number[];
  episodes: number;
  input: string[];
}

export interface EvalModelOptions {
  command: "eval-model";
  /** undefined: the shipped default model. */
  model: string | undefined;
  device: Device;
  input: string[];
}

export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

function integerIn(flag: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`${flag} must be an integer, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${flag} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

function seedList(value: string): number[] {
  const seeds: number[] = [];
  for (const part of value.split(",")) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new InvalidArgumentError(`--seeds: '${part}' is not a seed or a range A-B`);
    const from = Number(m[1]), to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new InvalidArgumentError(`--seeds: the range '${part}' runs backwards`);
    if (to > 2 ** 32 - 1) throw new InvalidArgumentError(`--seeds: '${part}' is past 4294967295`);
    if (to - from >= 10_000) throw new InvalidArgumentError(`--seeds: '${value}' names more than 10000 seeds`);
    for (let s = from; s <= to; s++) seeds.push(s);
  }
  const distinct = [...new Set(seeds)];
  if (distinct.length > 10_000) throw new InvalidArgumentError(`--seeds: '${value}' names more than 10000 seeds`);
  return distinct;
}

function symbolList(value: string): string[] {
  const symbols = value.split(",").map((s) => s.trim().toUpperCase());
  for (const symbol of symbols) {
    if (!/^[A-Z0-9][A-Z0-9_-]{1,39}$/.test(symbol)) throw new InvalidArgumentError(`--symbols: "${symbol}" is not a symbol like BTCUSDT`);
  }
  if (new Set(symbols).size !== symbols.length) throw new InvalidArgumentError(`--symbols lists a symbol twice: ${value}`);
  return symbols;
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive number, got "${value}"`);
    return n;
  };
}

function replaySpeed(value: string): ReplaySpeed {
  if (value === "max") return "max";
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1_000_000) throw new InvalidArgumentError(`--speed must be a positive factor (1, 10, 100...) or "max", got "${value}"`);
  return n;
}

function fileList(value: string): string[] {
  return existingFiles(value, (file) => file);
}

/** As fileList, but a bare name not found as given is a recording in the shared hftbacktest folder, as the eval loads it. */
function recordingList(value: string): string[] {
  return existingFiles(value, resolveRecording);
}

/** The comma-separated files of --input, each of which must exist where `where` puts it (named in the error when that differs). */
function existingFiles(value: string, where: (file: string) => string): string[] {
  const files = value.split(",").map((f) => f.trim()).filter((f) => f.length > 0);
  if (files.length === 0) throw new InvalidArgumentError("--input needs at least one file");
  for (const file of files) {
    const path = where(file);
    if (!existsSync(path)) throw new InvalidArgumentError(`--input: no such file "${file}"${path === file ? "" : ` (looked for ${path})`}`);
  }
  return files;
}

function url(flag: string, protocols: string[]) {
  return (value: string): string => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new InvalidArgumentError(`${flag} must be a URL, got "${value}"`);
    }
    if (!protocols.includes(parsed.protocol)) throw new InvalidArgumentError(`${flag} must use ${protocols.join(" or ")}, got "${value}"`);
    return value.replace(/\/+$/, "");
  };
}

function instant(flag: string) {
  return (value: string): number => {
    const ms = /^\d{10,16}$/.test(value) ? Number(value) : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) || !value.includes("T") ? value : `${value}Z`);
    if (!Number.isFinite(ms)) throw new InvalidArgumentError(`${flag} must be an ISO-8601 time or epoch milliseconds, got "${value}"`);
    return ms;
  };
}

function eventList(value: string): ExportEvent[] {
  const events = value.split(",").map((e) => e.trim());
  for (const event of events) {
    if (!(EXPORT_EVENTS as readonly string[]).includes(event)) throw new InvalidArgumentError(`--events: unknown event "${event}"; known: ${EXPORT_EVENTS.join(",")}`);
  }
  return events as ExportEvent[];
}

function modelPath(value: string): string {
  try {
    resolveModelFiles(value);
  } catch (error) {
    throw new InvalidArgumentError(`--model: ${(error as Error).message}`);
  }
  return value;
}

const modelOption = () => new Option("--model <path>", "DeepLOB model: a folder with model.onnx + model.json, or the .onnx (default: the shipped models/default)").argParser(modelPath);
const deviceOption = () => new Option("--device <device>", "where the model runs (cuda needs the ONNX Runtime CUDA provider; otherwise CPU, with a message)").choices(["cpu", "cuda"]).default("cpu");
const engineOption = () => new Option("--engine <engine>", "feature engine").choices(["native", "ts"]).default("native");
const symbolsOption = (help: string) => new Option("--symbols <list>", help).argParser(symbolList);

export type ParsedCommand = ServeOptions | ExportOptions | EvalDetectorsOptions | EvalModelOptions;

export function buildProgram(onParsed: (options: ParsedCommand) => void): Command {
  const program = new Command("genesis")
    .description("Market-microstructure surveillance and analytics for Binance USDT-M perpetual futures.")
    .addOption(new Option("--mode <mode>", "market source").choices(["sim", "replay", "live"]).default("sim"))
    .addOption(symbolsOption(`comma-separated symbols (default ${DEFAULT_SYMBOLS.join(",")}; replay: those in the input)`))
    .addOption(new Option("--host <host>", "address to bind (use 0.0.0.0 to expose; then controls need --token)").default("127.0.0.1"))
    .addOption(new Option("--port <port>", "port to bind, 0 for a free one").argParser(integerIn("--port", 0, 65535)).default(8000))
    .addOption(engineOption())
    .addOption(new Option("--seed <n>", "sim: simulator seed").argParser(integerIn("--seed", 0, 2 ** 32 - 1)).default(1))
    .addOption(new Option("--rate <eventsPerSecond>", "sim: book events per second per symbol").argParser(positiveNumber("--rate")).default(150))
    .addOption(new Option("--input <files>", "replay: recordings, comma-separated (hftbacktest, cryptofeed or Tardis CSV; gzip or plain)").argParser(fileList))
    .addOption(new Option("--speed <factor>", "replay: 1, 10, 100... or max").argParser(replaySpeed).default(1))
    .addOption(new Option("--record <dir>", "also record every raw frame to DIR (gzip, hourly files, hftbacktest format)"))
    .addOption(new Option("--no-record", "record nothing: no database, no frames"))
    .addOption(new Option("--db <url>", "PostgreSQL or TimescaleDB to record into (default: embedded PostgreSQL under --data-dir)").env("DATABASE_URL").argParser(url("--db", ["postgres:", "postgresql:"])))
    .addOption(new Option("--data-dir <dir>", "where the embedded database and spill files live").env("GENESIS_DATA_DIR").default("./genesis-data"))
    .addOption(new Option("--record-book-ms <ms>", "book snapshot cadence in the database, 0 for every update").argParser(integerIn("--record-book-ms", 0, 3_600_000)).default(100))
    .addOption(new Option("--from-db", "replay: from the database (with --symbols, --start, --end) instead of files").default(false))
    .addOption(new Option("--start <time>", "replay --from-db: start, ISO-8601 or epoch ms").argParser(instant("--start")))
    .addOption(new Option("--end <time>", "replay --from-db: end, ISO-8601 or epoch ms").argParser(instant("--end")))
    .addOption(new Option("--binance-ws <url>", "live: websocket base").argParser(url("--binance-ws", ["wss:", "ws:"])).default("wss://fstream.binance.com"))
    .addOption(new Option("--binance-rest <url>", "live: REST base").argParser(url("--binance-rest", ["https:", "http:"])).default("https://fapi.binance.com"))
    .addOption(new Option("--depth-speed <speed>", "live: depth diff stream speed").choices(["0ms", "100ms", "250ms", "500ms"]).default("100ms"))
    .addOption(new Option("--token <token>", "bearer token required by state-changing controls (env GENESIS_TOKEN)").env("GENESIS_TOKEN"))
    .addOption(modelOption())
    .addOption(new Option("--no-model", "no DeepLOB predictions"))
    .addOption(deviceOption())
    .addOption(new Option("--predict-events <n>", "predict a symbol at most once per N book events").argParser(integerIn("--predict-events", 1, 1_000_000)).default(DEFAULT_PREDICTOR_OPTIONS.everyEvents))
    .addOption(new Option("--predict-ms <ms>", "and at most once per MS of its local time").argParser(integerIn("--predict-ms", 0, 3_600_000)).default(DEFAULT_PREDICTOR_OPTIONS.minIntervalMs))
    .allowExcessArguments(false)
    // Options after a subcommand belong to it (export has its own --input and --symbols).
    .enablePositionalOptions()
    .action((options: Omit<ServeOptions, "command">) => onParsed({ command: "serve", ...options, input: options.input ?? [] }));

  program
    .command("export")
    .description("process recordings at full speed and write NDJSON events to stdout")
    .requiredOption("--input <files>", "recordings, comma-separated", fileList)
    .addOption(new Option("--events <list>", "events to write").argParser(eventList).default([...EXPORT_EVENTS], EXPORT_EVENTS.join(",")))
    .addOption(symbolsOption("only these symbols (default: all in the input)"))
    .addOption(engineOption())
    .allowExcessArguments(false)
    .action((options: Omit<ExportOptions, "command">) => onParsed({ command: "export", ...options }));

  const evaluate = program.command("eval").description("measure the detectors or the model");
  evaluate
    .command("detectors")
    .description("precision, recall, F1, delay and false alarms of every detector (and of the old heuristics) on labelled episodes")
    .addOption(new Option("--seed <n>", "seed for the episodes").argParser(integerIn("--seed", 0, 2 ** 32 - 1)).default(1))
    .addOption(new Option("--seeds <list>", "run every seed of the list (e.g. 1-20 or 1,4,9) and pool them: F1 per seed and a 95% interval").argParser(seedList).conflicts("seed"))
    .addOption(new Option("--episodes <n>", "episodes per manipulation type").argParser(integerIn("--episodes", 1, 10_000)).default(50))
    .addOption(new Option("--input <files>", "inject into these real recordings instead of the simulator (a symbol's files that chain on each other are one stream, which needs a REST snapshot; a bare name is looked up in the shared hftbacktest folder)").argParser(recordingList))
    .allowExcessArguments(false)
    .action((options: Omit<EvalDetectorsOptions, "command">) => onParsed({ command: "eval-detectors", ...options, input: options.input ?? [] }));
  evaluate
    .command("model")
    .description("accuracy and macro-F1 of the DeepLOB model and its baselines on recordings (or LOBSTER orderbook CSV), labelled by the model's horizon")
    .addOption(modelOption())
    .addOption(deviceOption())
    .requiredOption("--input <files>", "recordings or LOBSTER *_orderbook_10.csv files, comma-separated", fileList)
    .allowExcessArguments(false)
    .action((options: Omit<EvalModelOptions, "command">) => onParsed({ command: "eval-model", ...options }));
  return program;
}

/** Parses argv (without node/bun and script). Throws CliExit with status 0 for --help, 2 for any error. */
export function parseArgs(argv: readonly string[]): ParsedCommand {
  let parsed: ParsedCommand | undefined;
  const program = buildProgram((options) => (parsed = options));
  let helpText = "";
  const output = { writeOut: (text: string) => (helpText += text), writeErr: () => {} };
  program.configureOutput(output).exitOverride();
  const configure = (command: Command) => {
    command.configureOutput(output).exitOverride();
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  try {
    program.parse(argv as string[], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === "commander.helpDisplayed" || error.code === "commander.help") throw new CliExit(0, helpText);
    if (error.code === "commander.excessArguments") {
      throw new CliExit(2, `genesis: unexpected argument(s) in: ${argv.join(" ")}\nRun 'genesis --help' for usage.`);
    }
    throw new CliExit(2, `${error.message.replace(/^error: /, "genesis: ")}\nRun 'genesis --help' for usage.`);
  }
  if (!parsed) throw new CliExit(2, "genesis: nothing to do; run 'genesis --help' for usage.");
  if (parsed.command === "serve") checkServe(parsed);
  return parsed;
}

function checkServe(options: ServeOptions): void {
  if (options.fromDb) {
    if (options.mode !== "replay") throw new CliExit(2, `genesis: --from-db is for --mode replay (got --mode ${options.mode})`);
    if (options.input.length > 0) throw new CliExit(2, "genesis: --from-db replays the database; drop --input");
    if (!options.symbols) throw new CliExit(2, "genesis: --from-db needs --symbols");
    if (options.start === undefined || options.end === undefined) throw new CliExit(2, "genesis: --from-db needs --start and --end");
    if (options.start >= options.end) throw new CliExit(2, "genesis: --start must be before --end");
    if (options.record === false) throw new CliExit(2, "genesis: --from-db reads the database; it cannot go with --no-record");
    return;
  }
  if ((options.start !== undefined || options.end !== undefined) && !options.fromDb) throw new CliExit(2, "genesis: --start and --end are for --from-db");
  if (options.mode === "replay" && options.input.length === 0) throw new CliExit(2, "genesis: --mode replay needs --input FILE[,FILE...] (or --from-db)");
  if (options.mode !== "replay" && options.input.length > 0) throw new CliExit(2, `genesis: --input is for --mode replay (got --mode ${options.mode})`);
  if (options.mode !== "replay") options.symbols ??= [...DEFAULT_SYMBOLS];
}
