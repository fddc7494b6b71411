/**
 * The inference actor: a DeepLOB model over each symbol's rolling window of
 * book events (Predictor), batched across symbols. Predictions arrive
 * asynchronously (the model runs off the feed's turn) and go to the hub,
 * which streams them as `prediction` events.
 *
 * Commands in: `book.updated`, `inference.reset`. Commands out:
 * `inference.predicted` (to hub). Private: `inference.ran` (a run finished).
 */
import { assertEvent, enqueueActions, setup } from "xstate";
import { actorRef } from "../../src/actor-system.ts";
import { ActorId, type ActorCommands, type PredictionFact } from "../../src/switchboard.ts";
import { type Classifier, Predictor, type PredictorOptions } from "./predictor.ts";

export interface InferenceInput {
  readonly model: Classifier;
  readonly options?: Partial<PredictorOptions>;
}

export interface InferenceContext {
  readonly predictor: Predictor;
}

type InferenceRan = { readonly type: "inference.ran"; readonly predictions: PredictionFact[] };

export const inferenceMachine = setup({
  types: {
    context: {} as InferenceContext,
    events: {} as ActorCommands["inference"] | InferenceRan,
    input: {} as InferenceInput,
  },
  actions: {
    forward: enqueueActions(({ event, enqueue, system }) => {
      assertEvent(event, "inference.ran");
      enqueue.sendTo(actorRef(system, ActorId.hub), { type: "inference.predicted", predictions: event.predictions });
    }),
  },
}).createMachine({
  id: "inference",
  context: ({ input, self }) => ({
    predictor: new Predictor(input.model, (predictions) => self.send({ type: "inference.ran", predictions }), input.options),
  }),
  initial: "running",
  states: {
    running: {
      on: {
        "book.updated": { actions: ({ context, event }) => context.predictor.onEvents(event.events) },
        "inference.ran": { actions: "forward" },
        "inference.reset": { actions: ({ context }) => context.predictor.reset() },
      },
    },
  },
});
