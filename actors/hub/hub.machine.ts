/**
 * The hub actor: fans analytics output and status out to subscribers
 * (SSE clients and in-process listeners) through a Fanout. It knows nothing
 * of HTTP: the SSE route subscribes to the Fanout it owns.
 *
 * Commands in: `analytics.computed`, `surveillance.alerted`,
 * `inference.predicted`, `hub.publishStatus`.
 */
import { setup } from "xstate";
import type { HubCommand } from "../../src/switchboard.ts";
import type { Fanout } from "./fanout.ts";


export const hubMachine = setup({
  types: {
    context: {} as { readonly fanout: Fanout; batches: number },
    events: {} as HubCommand,
    input: {} as { fanout: Fanout },
  },
}).createMachine({
  id: "hub",
  context: ({ input }) => ({ fanout: input.fanout, batches: 0 }),
  initial: "running",
  states: {
    running: {
      on: {
        "analytics.computed": {
          actions: ({ context, event }) => {
            context.batches++;
            context.fanout.publish(event.items);
          },
        },
        "surveillance.alerted": { actions: ({ context, event }) => context.fanout.publish(event.alerts) },
        "inference.predicted": { actions: ({ context, event }) => context.fanout.publish(event.predictions) },
        "hub.publishStatus": { actions: ({ context, event }) => context.fanout.publishStatus(event.status) },
      },
    },
  },
});
