/**
 * The model a command runs: `--model PATH`, or the shipped default
 * (models/default, embedded in the binary). The server runs it on its own
 * thread (WorkerModel) so the feed's thread never waits for onnxruntime;
 * offline commands run it in place. Errors become CliExit naming the model,
 * never a stack trace.
 */
import { DeepLobModel, type Device } from "../../actors/inference/model.ts";
import type { ModelFiles } from "../../actors/inference/model-metadata.ts";
import type { Classifier } from "../../actors/inference/predictor.ts";
import { WorkerModel } from "../../actors/inference/worker-model.ts";
import { CliExit } from "../cli.ts";

export type LoadedModel = Classifier & { readonly device: Device; dispose(): Promise<void> };

export interface ModelChoice {
  readonly device: Device;
  /** onnxruntime intra-op threads (default 1). */
  readonly threads?: number;
  /** Run the model on a worker thread (the server) rather than in place. */
  readonly worker?: boolean;
}

export async function loadChosenModel(modelPath: string | undefined, choice: ModelChoice): Promise<LoadedModel> {
  const options = { device: choice.device, threads: choice.threads };
  try {
    const files = modelPath === undefined ? defaultModelFiles() : undefined;
    if (choice.worker) return files ? await WorkerModel.loadFiles(files, options) : await WorkerModel.load(modelPath!, options);
    return files ? await DeepLobModel.loadFiles(files, options) : await DeepLobModel.load(modelPath!, options);
  } catch (error) {
    if (error instanceof CliExit) throw error;
    const flag = modelPath === undefined ? "the default model (models/default)" : `--model ${modelPath}`;
    throw new CliExit(1, `genesis: ${flag}: ${(error as Error).message}`);
  }
}

function defaultModelFiles(): ModelFiles {
  try {
    // A static require: the bundler embeds the files; a missing default fails here, not at start.
    return (require("../../actors/inference/default-model.ts") as typeof import("../../actors/inference/default-model.ts")).DEFAULT_MODEL_FILES;
  } catch (error) {
    throw new CliExit(1, `genesis: no default model in this build (models/default is missing: ${(error as Error).message.split("\n")[0]}); pass --model PATH or --no-model`);
  }
}
