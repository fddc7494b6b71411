/**
 * The model's own thread: a Worker that loads the ONNX model (DeepLobModel)
 * and answers predict requests, so that onnxruntime's synchronous run never
 * holds the thread that carries the feed. Protocol: worker-model.ts.
 */
import { DeepLobModel } from "./model.ts";
import type { ToWorker, FromWorker } from "./worker-model.ts";

declare const self: Worker;
let model: DeepLobModel | undefined;

function reply(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === "load") {
    try {
      model = await DeepLobModel.loadFiles(message.files, { ...message.options, warn: (text) => reply({ type: "warn", text }) });
      reply({ type: "loaded", device: model.device });
    } catch (error) {
      reply({ type: "failed", id: -1, message: (error as Error).message });
    }
    return;
  }
  if (!model) {
    reply({ type: "failed", id: message.id, message: "model not loaded" });
    return;
  }
  try {
    // A copy the worker owns: the tensor's output buffer belongs to onnxruntime.
    const probabilities = Float32Array.from(await model.predict(message.input, message.batch));
    reply({ type: "result", id: message.id, probabilities }, [probabilities.buffer]);
  } catch (error) {
    reply({ type: "failed", id: message.id, message: (error as Error).message });
  }
};
