/**
 * The script every executor worker runs: it loads callables by reference, runs one call at a
 * time, and reports results, thrown errors, and its own death.
 *
 * Jobs arrive through the worker's job buffer (see `_wire.ts`): the pool writes the encoded
 * job, bumps `JOB_SEQ` and calls `Atomics.notify`; the result goes back the same way. A job
 * or result the buffer cannot carry travels by `postMessage` instead, announced by the buffer
 * as `ON_PORT` so each side knows to look for the message.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { installWorkerEnd, type Transport } from "./channel.ts";
import { describeValue, encodeError } from "./_errors.ts";
import { type CallableRef, describeRef, loadCallable } from "./registry.ts";
import {
  decodeFrom,
  encodeInto,
  IN_BUFFER,
  JOB_LENGTH,
  JOB_SEQ,
  JOB_STOPPED,
  JOB_WHERE,
  type JobBuffer,
  ON_PORT,
  RESULT_LENGTH,
  RESULT_SEQ,
  RESULT_WHERE,
  viewJobBuffer,
} from "./_wire.ts";

interface Job {
  target: CallableRef;
  via?: CallableRef;
  args: unknown[];
  label: string;
}

interface RunMessage extends Job {
  kind: "run";
  seq: number;
}

interface InitMessage {
  kind: "init";
  port: MessagePort;
  buffer: SharedArrayBuffer;
  jobBuffer: SharedArrayBuffer;
  transport: Transport;
  /** Modules to import before reporting ready (those earlier calls used). */
  preload: string[];
}

// How long an idle worker blocks in a synchronous Atomics.wait before it lets its event loop
// run (timers and promise jobs left by earlier calls, unhandled-rejection reports) and blocks
// again. A blocked thread wakes in ~10 µs on notify; an `Atomics.waitAsync` wake-up goes
// through the event loop and costs ~50 µs more (measured in Deno 2.9 on 2 cores), which is
// most of the hop a blocking view pays. Idle, this costs one short wake-up per slice (50/s).
const IDLE_SLICE_MS = 20;

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

type Outcome = { ok: true; value: unknown } | { ok: false; error: ReturnType<typeof encodeError> };

async function run(job: Job): Promise<Outcome> {
  try {
    const target = await loadCallable(job.target);
    if (job.via) {
      const via = await loadCallable(job.via);
      return { ok: true, value: await via(target, ...job.args) };
    }
    return { ok: true, value: await target(...job.args) };
  } catch (error) {
    return { ok: false, error: encodeError(error) };
  }
}

function reply(buffer: JobBuffer, seq: number, job: Job, outcome: Outcome): void {
  const { header, results } = buffer;
  const length = encodeInto(outcome, results);
  if (length >= 0) {
    Atomics.store(header, RESULT_LENGTH, length);
    Atomics.store(header, RESULT_WHERE, IN_BUFFER);
  } else {
    post(seq, job, outcome);
    Atomics.store(header, RESULT_WHERE, ON_PORT);
  }
  Atomics.store(header, RESULT_SEQ, seq);
  Atomics.notify(header, RESULT_SEQ);
}

function post(seq: number, job: Job, outcome: Outcome): void {
  if (!outcome.ok) {
    self.postMessage({ kind: "error", seq, error: outcome.error });
    return;
  }
  try {
    self.postMessage({ kind: "result", seq, value: outcome.value });
  } catch (error) {
    const where = job.via ? ` (through ${describeRef(job.via)})` : "";
    self.postMessage({
      kind: "error",
      seq,
      error: encodeError(
        new TypeError(
          `${job.label}${where} returned ${describeValue(outcome.value)}, which cannot be sent ` +
            `back from the executor worker (${(error as Error).message}). Return ` +
            "structured-cloneable data: plain objects, arrays, strings, numbers, bytes.",
        ),
      ),
    });
  }
}

// Jobs that came by postMessage, and the loop waiting for one.
const posted: RunMessage[] = [];
let postedArrived: (() => void) | undefined;

async function takePosted(seq: number): Promise<Job> {
  for (;;) {
    const index = posted.findIndex((message) => message.seq === seq);
    if (index >= 0) return posted.splice(index, 1)[0];
    await new Promise<void>((resolve) => postedArrived = resolve);
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Takes jobs from the buffer one at a time, until the pool stops this worker. */
async function serveJobs(buffer: JobBuffer): Promise<void> {
  const { header } = buffer;
  let seen = 0;
  for (;;) {
    if (Atomics.wait(header, JOB_SEQ, seen, IDLE_SLICE_MS) === "timed-out") {
      await yieldToEventLoop();
      continue;
    }
    if (Atomics.load(header, JOB_STOPPED)) {
      self.close();
      return;
    }
    const seq = Atomics.load(header, JOB_SEQ);
    if (seq === seen) continue;
    seen = seq;
    const job = Atomics.load(header, JOB_WHERE) === IN_BUFFER
      ? decodeFrom(buffer.jobs, Atomics.load(header, JOB_LENGTH)) as Job
      : await takePosted(seq);
    // Awaited, so a call that awaits keeps the event loop running until it settles.
    reply(buffer, seq, job, await run(job));
  }
}

self.onmessage = function onExecutorMessage(event: MessageEvent) {
  const message = event.data as InitMessage | RunMessage;
  if (message.kind === "init") {
    installWorkerEnd(message.port, message.buffer, message.transport);
    // A failing import is reported by the call that needs the module, not here.
    Promise.allSettled(message.preload.map((url) => import(url))).then(() => {
      self.postMessage({ kind: "ready" });
      serveJobs(viewJobBuffer(message.jobBuffer));
    });
  } else {
    posted.push(message);
    postedArrived?.();
  }
};
