#!/usr/bin/env bun
/**
 * Entry point: `genesis [flags]` runs the service, `genesis export` turns
 * recordings into NDJSON events (see `genesis --help`).
 */
import { CliExit, parseArgs } from "./cli.ts";
import { runExport } from "./commands/export.ts";
import { serve } from "./commands/serve.ts";

try {
  const options = parseArgs(Bun.argv.slice(2));
  if (options.command === "export") await runExport(options);
  else await serve(options);
} catch (error) {
  if (!(error instanceof CliExit)) throw error;
  (error.exitCode === 0 ? process.stdout : process.stderr).write(error.message.endsWith("\n") ? error.message : `${error.message}\n`);
  process.exit(error.exitCode);
}
