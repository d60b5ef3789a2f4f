/**
 * The script every executor worker runs: it loads callables by reference, runs one call at a
 * time, and reports results, thrown errors, and its own death.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { installWorkerEnd, type Transport } from "./channel.ts";
import { describeValue, encodeError } from "./_errors.ts";
import { type CallableRef, describeRef, loadCallable } from "./registry.ts";

interface RunMessage {
  kind: "run";
  id: number;
  target: CallableRef;
  via?: CallableRef;
  args: unknown[];
  label: string;
}

interface InitMessage {
  kind: "init";
  port: MessagePort;
  buffer: SharedArrayBuffer;
  transport: Transport;
}

// Deno.exit() inside a worker ends it without any event on the main side: say so first.
const exit = Deno.exit;
Deno.exit = function exitWorker(code?: number): never {
  self.postMessage({ kind: "exit", code: code ?? 0 });
  return exit(code);
};

function reportFatal(error: unknown): void {
  self.postMessage({ kind: "fatal", error: encodeError(error) });
}

self.addEventListener("error", function onUncaughtError(event: ErrorEvent) {
  event.preventDefault();
  reportFatal(event.error ?? new Error(event.message));
});

self.addEventListener(
  "unhandledrejection",
  function onUnhandledRejection(event: PromiseRejectionEvent) {
    event.preventDefault();
    reportFatal(event.reason);
  },
);

async function run(message: RunMessage): Promise<void> {
  let value: unknown;
  try {
    const target = await loadCallable(message.target);
    if (message.via) {
      const via = await loadCallable(message.via);
      value = await via(target, ...message.args);
    } else {
      value = await target(...message.args);
    }
  } catch (error) {
    self.postMessage({ kind: "error", id: message.id, error: encodeError(error) });
    return;
  }
  try {
    self.postMessage({ kind: "result", id: message.id, value });
  } catch (error) {
    const where = message.via ? ` (through ${describeRef(message.via)})` : "";
    self.postMessage({
      kind: "error",
      id: message.id,
      error: encodeError(
        new TypeError(
          `${message.label}${where} returned ${describeValue(value)}, which cannot be sent ` +
            `back from the executor worker (${(error as Error).message}). Return ` +
            "structured-cloneable data: plain objects, arrays, strings, numbers, bytes.",
        ),
      ),
    });
  }
}

self.onmessage = function onExecutorMessage(event: MessageEvent) {
  const message = event.data as InitMessage | RunMessage;
  if (message.kind === "init") {
    installWorkerEnd(message.port, message.buffer, message.transport);
    self.postMessage({ kind: "ready" });
  } else {
    run(message);
  }
};
