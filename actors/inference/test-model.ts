/** Tests load the shipped model (models/default), the one the binary embeds. */
import path from "node:path";
import { DeepLobModel } from "./model.ts";

export const DEFAULT_MODEL_DIR = path.resolve(import.meta.dir, "../../models/default");

let model: Promise<DeepLobModel> | undefined;

/** One session per test process. */
export function defaultModel(): Promise<DeepLobModel> {
  model ??= DeepLobModel.load(DEFAULT_MODEL_DIR);
  return model;
}
