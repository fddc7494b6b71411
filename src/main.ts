#!/usr/bin/env bun
/**
 * Entry point: `genesis [flags]` runs the service, `genesis export` turns
 * recordings into NDJSON events, `genesis eval detectors|model` measures the
 * detectors or the DeepLOB model (see `genesis --help`).
 */
import { installPostgresNullSocketGuard } from "../actors/recorder/postgres-guard.ts";
import { RecordingFormatError } from "../actors/feed/recordings/read.ts";
import { RecordingInputError } from "../actors/surveillance/eval/recordings.ts";
import { CliExit, parseArgs } from "./cli.ts";
import { printEvalDetectors } from "./commands/eval-detectors.ts";
import { printEvalSeeds } from "./commands/eval-detectors-seeds.ts";
import { printEvalModel } from "./commands/eval-model.ts";
import { runExport } from "./commands/export.ts";
import { serve } from "./commands/serve.ts";

// postgres.js can throw from a timer when a connection dies (porsager/postgres #1066): contained, not fatal.
installPostgresNullSocketGuard();

try {
  const options = parseArgs(Bun.argv.slice(2));
  if (options.command === "export") await runExport(options);
  else if (options.command === "eval-detectors" && options.seeds) await printEvalSeeds({ seeds: options.seeds, episodes: options.episodes, input: options.input });
  else if (options.command === "eval-detectors") await printEvalDetectors(options);
  else if (options.command === "eval-model") await printEvalModel(options);
  else await serve(options);
} catch (error) {
  if (error instanceof RecordingInputError || error instanceof RecordingFormatError) {
    // A file given as a recording that cannot be used is a bad argument: one line, status 2, as a bad flag.
    process.stderr.write(`genesis: ${error.message}\n`);
    process.exit(2);
  }
  if (!(error instanceof CliExit)) throw error;
  (error.exitCode === 0 ? process.stdout : process.stderr).write(error.message.endsWith("\n") ? error.message : `${error.message}\n`);
  process.exit(error.exitCode);
}
