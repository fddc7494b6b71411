/**
 * Runs the test exchange on its own, for manual checks and the live-latency
 * benchmark:
 *
 *   bun src/test-exchange/main.ts --input FILE[,FILE...] [--port N] [--speed 1|10|max] [--loop] [--seed N]
 *
 * then point Genesis at it: `--binance-ws ws://127.0.0.1:N --binance-rest http://127.0.0.1:N`.
 * Faults: `curl -X POST 127.0.0.1:N/__control -d '{"kind":"dropDiffs","next":3}'`.
 */
import { Command, InvalidArgumentError } from "commander";
import type { ReplaySpeed } from "./replayer.ts";
import { TestExchange } from "./server.ts";

function parseSpeed(value: string): ReplaySpeed {
  if (value === "max") return "max";
  const speed = Number(value);
  if (!(speed > 0)) throw new InvalidArgumentError(`--speed must be a positive number or "max", got "${value}"`);
  return speed;
}

function parseInteger(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${flag} must be a non-negative integer, got "${value}"`);
    return Number(value);
  };
}

const program = new Command()
  .name("test-exchange")
  .description("Binance USDT-M futures test exchange replaying recordings on 127.0.0.1")
  .requiredOption("--input <files>", "recording files, comma separated", (value: string) => value.split(",").filter(Boolean))
  .option("--port <n>", "port (0: any free port)", parseInteger("--port"), 0)
  .option("--speed <speed>", "replay speed: a multiple of recorded time, or max", parseSpeed, 1 as ReplaySpeed)
  .option("--loop", "start again at the end", false)
  .option("--seed <n>", "seed for random faults", parseInteger("--seed"), 1)
  .option("--ping-interval-ms <ms>", "websocket ping interval", parseInteger("--ping-interval-ms"), 180_000)
  .parse();

const options = program.opts<{ input: string[]; port: number; speed: ReplaySpeed; loop: boolean; seed: number; pingIntervalMs: number }>();
const exchange = await TestExchange.start({
  input: options.input,
  port: options.port,
  speed: options.speed,
  loop: options.loop,
  seed: options.seed,
  pingIntervalMs: options.pingIntervalMs,
  log: (line) => console.error(`[test-exchange] ${line}`),
});
const { stats, symbols } = exchange.timeline;
console.error(
  `[test-exchange] ${exchange.wsBase} (REST ${exchange.restBase}): ${symbols.join(",")}, ${stats.events} events, ${stats.diffs} diffs, ` +
    `speed ${options.speed}${options.loop ? ", looping" : ""}`,
);
// Machine-readable line for scripts that start it.
console.log(JSON.stringify({ port: exchange.port, wsBase: exchange.wsBase, restBase: exchange.restBase, symbols }));
exchange.whenFinished().then(() => console.error(`[test-exchange] replay finished: ${JSON.stringify(exchange.stats.faults)}`));
const shutdown = async () => {
  await exchange.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
