/**
 * onnxruntime-common's InferenceSession over the native binding that
 * ort-native.ts loads: the same backend onnxruntime-node registers (its
 * dist/backend.js), in TypeScript, so the bundle never imports
 * onnxruntime-node's loader. After `registerOrtBackends()` the public
 * `InferenceSession` and `Tensor` of onnxruntime-common work as usual.
 */
import { type Backend, type InferenceSession, type InferenceSessionHandler, type SessionHandler, registerBackend, Tensor } from "onnxruntime-common";
import { isMainThread } from "node:worker_threads";
import { loadOrtBinding, type OrtBindingSession, type OrtValueMetadata } from "./ort-native.ts";

/** onnxruntime's element type codes, as the binding reports them. */
const TYPES: readonly (string | undefined)[] = [undefined, "float32", "uint8", "int8", "uint16", "int16", "int32", "int64", "string", "bool", "float16", "float64", "uint32", "uint64"];

class BindingSessionHandler implements InferenceSessionHandler {
  readonly inputNames: string[];
  readonly outputNames: string[];
  readonly inputMetadata: InferenceSession.ValueMetadata[];
  readonly outputMetadata: InferenceSession.ValueMetadata[];

  constructor(
    private readonly session: OrtBindingSession,
    pathOrBuffer: string | Uint8Array,
    options: InferenceSession.SessionOptions,
  ) {
    if (typeof pathOrBuffer === "string") session.loadModel(pathOrBuffer, options);
    else session.loadModel(pathOrBuffer.buffer, pathOrBuffer.byteOffset, pathOrBuffer.byteLength, options);
    [this.inputNames, this.inputMetadata] = describe(session.inputMetadata);
    [this.outputNames, this.outputMetadata] = describe(session.outputMetadata);
  }

  async dispose(): Promise<void> {
    this.session.dispose();
  }

  startProfiling(): void {}

  endProfiling(): void {
    this.session.endProfiling();
  }

  // The binding runs synchronously on the calling thread; deferring it keeps the caller's turn short.
  run(feeds: SessionHandler.FeedsType, fetches: SessionHandler.FetchesType, options: InferenceSession.RunOptions): Promise<SessionHandler.ReturnType> {
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(this.session.run(feeds, fetches, options) as SessionHandler.ReturnType);
        } catch (error) {
          reject(error);
        }
      });
    });
  }
}

function describe(raw: readonly OrtValueMetadata[]): [string[], InferenceSession.ValueMetadata[]] {
  const names: string[] = [];
  const metadata: InferenceSession.ValueMetadata[] = [];
  for (const m of raw) {
    names.push(m.name);
    if (!m.isTensor) {
      metadata.push({ name: m.name, isTensor: false });
      continue;
    }
    const type = TYPES[m.type];
    if (type === undefined) throw new Error(`onnxruntime: unsupported tensor type ${m.type} for ${m.name}`);
    const shape = m.shape.map((dim, i) => (dim === -1 ? m.symbolicDimensions[i]! : dim));
    metadata.push({ name: m.name, isTensor: true, type, shape } as InferenceSession.ValueMetadata);
  }
  return [names, metadata];
}

let registered: readonly { name: string; bundled: boolean }[] | undefined;

/**
 * Loads the binding and registers its execution providers with
 * onnxruntime-common (once). Returns them, e.g. cpu (bundled) and cuda
 * (bundled: false: the CUDA provider library is a separate download).
 */
export function registerOrtBackends(): readonly { name: string; bundled: boolean }[] {
  if (registered) return registered;
  const { binding } = loadOrtBinding();
  let initialised = false;
  const backend: Backend = {
    async init() {},
    async createInferenceSessionHandler(pathOrBuffer: string | Uint8Array, options?: InferenceSession.SessionOptions) {
      if (!initialised) {
        initialised = true;
        binding.initOrtOnce(3, Tensor, isMainThread); // log level 3: errors only
      }
      return new BindingSessionHandler(new binding.InferenceSession(), pathOrBuffer, options ?? {});
    },
  };
  registered = binding.listSupportedBackends();
  for (const { name } of registered) registerBackend(name, backend, 100);
  return registered;
}
