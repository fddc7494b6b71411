/**
 * A DeepLOB model served from its own thread (model-worker.ts): the
 * Classifier the inference actor uses in the server. Each `predict` copies
 * the batch's windows and hands them to the worker; the feed's thread only
 * pays for that copy (16 KB per window), never for the run itself.
 */
import { type Device, type LoadModelOptions } from "./model.ts";
import { type ModelFiles, type ModelMetadata, readModelMetadata, resolveModelFiles, ROW_WIDTH_PER_LEVEL, ModelError } from "./model-metadata.ts";
import type { Classifier } from "./predictor.ts";

export type ToWorker =
  | { readonly type: "load"; readonly files: ModelFiles; readonly options: { device?: Device; threads?: number } }
  | { readonly type: "predict"; readonly id: number; readonly input: Float32Array; readonly batch: number };

export type FromWorker =
  | { readonly type: "loaded"; readonly device: Device }
  | { readonly type: "warn"; readonly text: string }
  | { readonly type: "result"; readonly id: number; readonly probabilities: Float32Array }
  | { readonly type: "failed"; readonly id: number; readonly message: string };

/**
 * The worker's entry point. Inside the single binary, scripts/compile.ts
 * embeds it as a second entry point, named by its path from the repository
 * root (the entry points' common folder); from the repository it is this
 * folder's file.
 */
function workerEntry(): string {
  return import.meta.path.startsWith("/$bunfs/") ? "./actors/inference/model-worker.ts" : new URL("./model-worker.ts", import.meta.url).href;
}

export class WorkerModel implements Classifier {
  readonly inputSize: number;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (p: Float32Array) => void; reject: (e: Error) => void }>();

  private constructor(
    readonly meta: ModelMetadata,
    readonly files: ModelFiles,
    readonly device: Device,
    private readonly worker: Worker,
  ) {
    this.inputSize = meta.windowEvents * meta.levels * ROW_WIDTH_PER_LEVEL;
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.onMessage(event.data);
    worker.onerror = (event) => this.failAll(new Error(`model worker crashed: ${event.message}`));
  }

  static async load(modelPath: string, options: LoadModelOptions = {}): Promise<WorkerModel> {
    return WorkerModel.loadFiles(resolveModelFiles(modelPath), options);
  }

  /** Starts the worker and loads the model there; rejects with the loader's error (ModelError) when it cannot. */
  static async loadFiles(files: ModelFiles, options: LoadModelOptions = {}): Promise<WorkerModel> {
    const meta = readModelMetadata(files.metadataPath);
    const warn = options.warn ?? ((text: string) => console.error(text));
    const worker = new Worker(workerEntry());
    const device = await new Promise<Device>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const message = event.data;
        if (message.type === "warn") warn(message.text);
        else if (message.type === "loaded") resolve(message.device);
        else if (message.type === "failed") reject(new ModelError(message.message));
      };
      worker.onerror = (event) => reject(new ModelError(`model worker failed to start: ${event.message}`));
      worker.postMessage({ type: "load", files, options: { device: options.device, threads: options.threads } } satisfies ToWorker);
    }).catch((error: unknown) => {
      worker.terminate();
      throw error;
    });
    return new WorkerModel(meta, files, device, worker);
  }

  get name(): string {
    return this.meta.name;
  }

  predict(input: Float32Array, batch: number): Promise<Float32Array> {
    if (input.length < batch * this.inputSize) return Promise.reject(new RangeError(`predict: input has ${input.length} floats for batch=${batch} x ${this.inputSize}`));
    const id = this.nextId++;
    const copy = input.slice(0, batch * this.inputSize);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: "predict", id, input: copy, batch } satisfies ToWorker, [copy.buffer]);
    });
  }

  async dispose(): Promise<void> {
    this.failAll(new Error("model disposed"));
    this.worker.terminate();
  }

  private onMessage(message: FromWorker): void {
    if (message.type === "warn") return void console.error(message.text);
    if (message.type === "loaded") return;
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.type === "result") waiter.resolve(message.probabilities);
    else waiter.reject(new Error(message.message));
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
