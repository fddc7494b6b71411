/**
 * The shipped model (models/default, written by the trainer) as static
 * `with { type: "file" }` imports: `bun build --compile` embeds both files
 * and the paths point into the binary's /$bunfs. Only ever required
 * lazily (src/commands/model-choice.ts), so `--model PATH` or `--no-model`
 * never touch it.
 */
import onnxPath from "../../models/default/model.onnx" with { type: "file" };
import metadataPath from "../../models/default/model.json" with { type: "file" };
import type { ModelFiles } from "./model-metadata.ts";

// With resolveJsonModule the checker types the .json import as its content; Bun gives its path.
export const DEFAULT_MODEL_FILES: ModelFiles = { onnxPath, metadataPath: metadataPath as unknown as string };
