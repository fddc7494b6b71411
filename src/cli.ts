/**
 * Command-line parsing (commander). Every flag is validated here; a typo or a
 * bad value names the flag and exits with status 2.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { DEFAULT_SYMBOLS } from "./symbols.ts";
import type { Engine, Mode } from "./switchboard.ts";

export interface ServeOptions {
  mode: Mode;
  symbols: string[];
  host: string;
  port: number;
  seed: number;
  engine: Engine;
  rate: number;
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

function symbolList(value: string): string[] {
  const symbols = value.split(",").map((s) => s.trim().toUpperCase());
  for (const symbol of symbols) {
    if (!/^[A-Z0-9]{2,30}$/.test(symbol)) throw new InvalidArgumentError(`--symbols: "${symbol}" is not a symbol like BTCUSDT`);
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

export function buildProgram(): Command {
  return new Command("genesis")
    .description("Market-microstructure surveillance and analytics for Binance USDT-M perpetual futures.")
    .addOption(new Option("--mode <mode>", "market source").choices(["sim", "replay", "live"]).default("sim"))
    .addOption(new Option("--symbols <list>", "comma-separated symbols").argParser(symbolList).default([...DEFAULT_SYMBOLS], DEFAULT_SYMBOLS.join(",")))
    .addOption(new Option("--host <host>", "address to bind (use 0.0.0.0 to expose)").default("127.0.0.1"))
    .addOption(new Option("--port <port>", "port to bind, 0 for a free one").argParser(integerIn("--port", 0, 65535)).default(8000))
    .addOption(new Option("--seed <n>", "simulator seed").argParser(integerIn("--seed", 0, 2 ** 32 - 1)).default(1))
    .addOption(new Option("--engine <engine>", "feature engine").choices(["native", "ts"]).default("native"))
    .addOption(new Option("--rate <eventsPerSecond>", "simulated book events per second per symbol").argParser(positiveNumber("--rate")).default(150))
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
}

/** Parses argv (without node/bun and script). Throws CliExit with status 0 for --help, 2 for any error. */
export function parseServeArgs(argv: readonly string[]): ServeOptions {
  const program = buildProgram();
  let helpText = "";
  program.configureOutput({ writeOut: (text) => (helpText += text), writeErr: () => {} });
  try {
    program.parse(argv as string[], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.help") throw new CliExit(0, helpText);
      if (error.code === "commander.excessArguments") {
        throw new CliExit(2, `genesis: unexpected argument(s): ${program.args.join(" ")}\nRun 'genesis --help' for usage.`);
      }
      throw new CliExit(2, `${error.message.replace(/^error: /, "genesis: ")}\nRun 'genesis --help' for usage.`);
    }
    throw error;
  }
  const options = program.opts<ServeOptions>();
  if (options.mode !== "sim") {
    throw new CliExit(2, `genesis: --mode ${options.mode} is not available yet; use --mode sim`);
  }
  return options;
}
