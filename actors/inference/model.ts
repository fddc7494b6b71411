/**
 * A loaded DeepLOB model: the ONNX session (onnxruntime through
 * ort-backend.ts) with its metadata. `predict` runs a batch of windows
 * already transformed by window.ts, [batch, 1, windowEvents, width]
 * float32, and returns [batch, 3] probabilities in LABELS order.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { InferenceSession, Tensor } from "onnxruntime-common";
import { LABELS, ModelError, type ModelFiles, type ModelMetadata, readModelMetadata, resolveModelFiles, ROW_WIDTH_PER_LEVEL } from "./model-metadata.ts";
import { loadOrtBinding } from "./ort-native.ts";
import { registerOrtBackends } from "./ort-backend.ts";

export type Device = "cpu" | "cuda";

export interface LoadModelOptions {
  readonly device?: Device;
  /** onnxruntime intra-op threads; 1 leaves the other cores to the feed (the default). */
  readonly threads?: number;
  /** Where the one message about a CUDA fallback goes. */
  readonly warn?: (message: string) => void;
}

export class DeepLobModel {
  readonly width: number;
  readonly inputSize: number;
  private readonly outputName: string;

  private constructor(
    readonly meta: ModelMetadata,
    readonly files: ModelFiles,
    readonly device: Device,
    private readonly session: InferenceSession,
  ) {
    this.width = meta.levels * ROW_WIDTH_PER_LEVEL;
    this.inputSize = meta.windowEvents * this.width;
    if (!session.inputNames.includes(meta.inputName)) throw new ModelError(`model input ${JSON.stringify(meta.inputName)} not in the ONNX graph (inputs: ${session.inputNames.join(",")}): path=${files.onnxPath}`);
    this.outputName = session.outputNames.includes("probabilities") ? "probabilities" : session.outputNames[0]!;
  }

  /** Loads a model folder or .onnx (see resolveModelFiles). */
  static async load(modelPath: string, options: LoadModelOptions = {}): Promise<DeepLobModel> {
    return DeepLobModel.loadFiles(resolveModelFiles(modelPath), options);
  }

  /** Loads from explicit files (the embedded default model, whose paths live in the binary's /$bunfs). */
  static async loadFiles(files: ModelFiles, options: LoadModelOptions = {}): Promise<DeepLobModel> {
    const meta = readModelMetadata(files.metadataPath);
    // Bytes, not a path: onnxruntime's own file reader cannot see inside the single binary.
    const bytes = new Uint8Array(readFileSync(files.onnxPath));
    let device: Device = options.device ?? "cpu";
    const warn = options.warn ?? ((message: string) => console.error(message));
    const threads = options.threads ?? 1;
    const sessionOptions = (providers: string[]): InferenceSession.SessionOptions => ({
      executionProviders: providers,
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
    });
    const backends = registerOrtBackends();
    if (device === "cuda") {
      const why = cudaUnavailable(backends);
      if (why === null) {
        try {
          return new DeepLobModel(meta, files, "cuda", await InferenceSession.create(bytes, sessionOptions(["cuda"])));
        } catch (error) {
          warn(`genesis: --device cuda: the ONNX Runtime CUDA execution provider failed (${firstLine(error)}); running the model on CPU`);
        }
      } else {
        warn(`genesis: --device cuda: ${why}; running the model on CPU`);
      }
      device = "cpu";
    }
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(bytes, sessionOptions(["cpu"]));
    } catch (error) {
      throw new ModelError(`cannot load the ONNX model: path=${files.onnxPath}: ${firstLine(error)}`);
    }
    return new DeepLobModel(meta, files, device, session);
  }

  get name(): string {
    return this.meta.name;
  }

  /** `input` holds `batch` windows back to back; returns batch x 3 probabilities (up, stationary, down). */
  async predict(input: Float32Array, batch: number): Promise<Float32Array> {
    if (input.length < batch * this.inputSize) throw new RangeError(`predict: input has ${input.length} floats for batch=${batch} x ${this.inputSize}`);
    const data = input.length === batch * this.inputSize ? input : input.subarray(0, batch * this.inputSize);
    const tensor = new Tensor("float32", data, [batch, 1, this.meta.windowEvents, this.width]);
    const result = await this.session.run({ [this.meta.inputName]: tensor });
    const output = result[this.outputName]!;
    const probabilities = output.data as Float32Array;
    if (probabilities.length !== batch * LABELS.length) throw new ModelError(`model output ${this.outputName} has ${probabilities.length} values for batch=${batch}`);
    return probabilities;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** null when the CUDA provider can be tried; else why not. */
function cudaUnavailable(backends: readonly { name: string; bundled: boolean }[]): string | null {
  const cuda = backends.find((b) => b.name === "cuda");
  if (!cuda) return "this onnxruntime build has no CUDA execution provider";
  if (cuda.bundled) return null;
  const folder = loadOrtBinding().folder;
  const library = path.join(folder, "libonnxruntime_providers_cuda.so");
  return existsSync(library) ? null : `the ONNX Runtime CUDA execution provider is not installed (no ${library}; onnxruntime-node ships it as a separate download)`;
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0]!;
}
