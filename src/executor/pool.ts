/**
 * The executor: a pool of module Workers that run blocking callables named by reference.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { ExecutorOverloaded, ExecutorTimeout, WorkerCrashed } from "./errors.ts";
import { attachMainEnd, type MainEnd, SHARED_BUFFER_BYTES, type Transport } from "./channel.ts";
import { decodeError, describeValue, type EncodedError, encodeError } from "./_errors.ts";
import { type CallableRef, describeRef, siteModuleUrl } from "./registry.ts";
import {
  decodeFrom,
  encodeInto,
  IN_BUFFER,
  JOB_BUFFER_BYTES,
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

/** Options of an {@linkcode Executor}. */
export interface ExecutorOptions {
  /** Number of workers; default `navigator.hardwareConcurrency`. */
  maxWorkers?: number;
  /** Per-call limit in milliseconds; over it the call fails with a 504. Default 30000. */
  timeoutMs?: number;
  /** Calls allowed to wait for a free worker; beyond it `run()` fails with a 503. Default 1024. */
  maxQueue?: number;
  /** How synchronized answers reach a blocked worker: `"buffer"` (default) or `"port"`. */
  transport?: Transport;
  /** Start workers on the first call instead of at construction. Default `false`. */
  lazy?: boolean;
  /**
   * Stop every worker once the pool has been idle this long, starting them again on demand.
   * A Deno Web Worker cannot be unref'd, so this is what lets a script exit by itself.
   */
  idleTimeoutMs?: number;
}

/** One call for the executor: a callable by reference, its arguments, and an optional wrapper. */
export interface ExecutorCall {
  /** The callable to run, located with `locateCallable()` or `resolveReference()`. */
  target: CallableRef;
  /** Structured-cloneable arguments. */
  args?: unknown[];
  /** A function invoked in the worker as `via(target, ...args)` instead of `target(...args)`. */
  via?: CallableRef;
  /** A readable name for errors; default: the reference. */
  name?: string;
}

/** Per-call options of {@linkcode Executor.run}. */
export interface RunOptions {
  /** Overrides the executor's `timeoutMs` for this call. */
  timeoutMs?: number;
  /** A main-side value services see as `call.context` while this call runs (never cloned). */
  context?: unknown;
}

/** A snapshot of the pool, for tests and benchmarks. */
export interface ExecutorStats {
  /** Live workers. */
  workers: number;
  /** Live workers still starting: loading the framework and preloading modules. */
  starting: number;
  /** Workers running a call. */
  busy: number;
  /** Calls waiting for a worker. */
  queued: number;
}

interface Job {
  id: number;
  call: ExecutorCall;
  label: string;
  context: unknown;
  /**
   * The async context `run()` was called in (the app's request): services the call uses
   * (synchronized functions) run in it, so `currentAppContext()` finds the calling app.
   */
  runIn: <R>(fn: () => R) => R;
  timeoutMs: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer?: ReturnType<typeof setTimeout>;
  /** The slot's sequence number for this job, once handed over. */
  seq?: number;
}

interface Slot {
  worker: Worker;
  channel: MainEnd;
  jobs: JobBuffer;
  seq: number;
  job?: Job;
  ready: boolean;
  dead: boolean;
}

type WorkerMessage =
  | { kind: "ready" }
  | { kind: "result"; seq: number; value: unknown }
  | { kind: "error"; seq: number; error: EncodedError }
  | { kind: "exit"; code: number }
  | { kind: "fatal"; error: EncodedError };

type Outcome = { ok: true; value: unknown } | { ok: false; error: EncodedError };

const WORKER_URL = new URL("./_worker.ts", import.meta.url);
const MAX_START_FAILURES = 3;

/**
 * A pool of module Workers running blocking code off the main event loop. Calls name their
 * callable by reference; arguments and results are structured-cloned; thrown errors keep their
 * name, message and stack, and `HTTPException`s come back as the same subclass.
 *
 * @example Running an exported function in a worker
 * ```ts
 * import { Executor } from "@aio/pyramid";
 * const executor = new Executor({ maxWorkers: 2, timeoutMs: 5000 });
 * const sum = await executor.run({
 *   target: { moduleUrl: new URL("./jobs.ts", import.meta.url).href, exportName: "sum" },
 *   args: [1, 2],
 * });
 * await executor.close();
 * ```
 */
export class Executor {
  #maxWorkers: number;
  #timeoutMs: number;
  #maxQueue: number;
  #transport: Transport;
  #idleTimeoutMs: number | undefined;
  // Modules calls have used: a new (or replacement) worker imports them before it is ready.
  #modules = new Set<string>();
  #slots: Slot[] = [];
  #queue: Job[] = [];
  #abandoned = 0;
  #nextId = 1;
  #closing = false;
  #broken: Error | undefined;
  #startFailures = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #drained: (() => void) | undefined;
  #readyWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  /** Creates the pool and, unless `lazy`, starts its workers. */
  constructor(options: ExecutorOptions = {}) {
    this.#maxWorkers = Math.max(1, options.maxWorkers ?? navigator.hardwareConcurrency ?? 1);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#maxQueue = Math.max(0, options.maxQueue ?? 1024);
    this.#transport = options.transport ?? "buffer";
    this.#idleTimeoutMs = options.idleTimeoutMs;
    if (!options.lazy) this.#fill();
  }

  /** Live workers, busy workers and queued calls. */
  get stats(): ExecutorStats {
    return {
      workers: this.#slots.length,
      starting: this.#slots.filter((slot) => !slot.ready).length,
      busy: this.#slots.filter((slot) => slot.job !== undefined).length,
      queued: this.#queue.length,
    };
  }

  /**
   * Workers stopped while running a call that outlived its timeout. A thread spinning in
   * JavaScript keeps its core busy after `terminate()`; only ending the process frees it,
   * which is what the `deno task serve` supervisor does when this count grows.
   */
  get abandoned(): number {
    return this.#abandoned;
  }

  /** True once `close()` has been called. */
  get closed(): boolean {
    return this.#closing;
  }

  /**
   * Resolves once every worker has started: loaded the framework and imported the modules
   * earlier calls used. Calls never need it (a call's timeout starts when its worker is
   * ready); await it before taking traffic or measuring, so a cold start (which under
   * `deno test` includes type-checking the worker module) is not counted as a slow call.
   * Starts the workers of a `lazy` pool; rejects when workers keep dying before they start.
   *
   * @example Warming the pool before a benchmark
   * ```ts ignore
   * import { Executor } from "@aio/pyramid";
   * const executor = new Executor({ maxWorkers: 2 });
   * await executor.ready();
   * await executor.close();
   * ```
   */
  ready(): Promise<void> {
    if (this.#broken) return Promise.reject(this.#broken);
    this.#wake();
    if (this.#allReady()) return Promise.resolve();
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  #allReady(): boolean {
    return this.#closing || this.#slots.every((slot) => slot.ready);
  }

  #settleReadiness(): void {
    if (this.#readyWaiters.length === 0) return;
    if (this.#broken) {
      for (const waiter of this.#readyWaiters.splice(0)) waiter.reject(this.#broken);
    } else if (this.#allReady()) {
      for (const waiter of this.#readyWaiters.splice(0)) waiter.resolve();
    }
  }

  /**
   * Runs `call` in a worker and resolves with its (awaited) result.
   *
   * Rejects with `ExecutorOverloaded` when the queue is full or the executor is closed,
   * `ExecutorTimeout` when the call runs too long (its worker is replaced), `WorkerCrashed`
   * when its worker dies, a `TypeError` when the
   * arguments or the result cannot be cloned, or the callable's own error.
   */
  run(call: ExecutorCall, options: RunOptions = {}): Promise<unknown> {
    const label = call.name ?? describeRef(call.target);
    if (this.#closing) {
      return Promise.reject(
        new ExecutorOverloaded(`The executor is closed, so ${label} was not run.`),
      );
    }
    if (this.#broken) return Promise.reject(this.#broken);
    this.#wake();
    const idle = this.#slots.some((slot) => !slot.job);
    if (!idle && this.#queue.length >= this.#maxQueue) {
      return Promise.reject(
        new ExecutorOverloaded(
          `All ${this.#slots.length} executor workers are busy and ` +
            `${this.#queue.length} calls are waiting; ${label} was refused.`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({
        id: this.#nextId++,
        call,
        label,
        context: options.context,
        runIn: AsyncLocalStorage.snapshot(),
        timeoutMs: options.timeoutMs ?? this.#timeoutMs,
        resolve,
        reject,
      });
      this.#dispatch();
    });
  }

  /**
   * Stops accepting calls, lets in-flight and queued calls finish for up to `graceMs`
   * (default 10000), fails the rest with a 503, and terminates every worker.
   */
  async close(options: { graceMs?: number } = {}): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#idleTimer);
    if (this.#pending() > 0) {
      let grace: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
        grace = setTimeout(resolve, options.graceMs ?? 10_000);
      });
      clearTimeout(grace);
      this.#drained = undefined;
    }
    const stopped = (label: string) =>
      new ExecutorOverloaded(`The executor closed before ${label} finished.`);
    for (const job of this.#queue.splice(0)) job.reject(stopped(job.label));
    for (const slot of [...this.#slots]) {
      const job = slot.job;
      this.#stop(slot);
      if (job) job.reject(stopped(job.label));
    }
    this.#settleReadiness();
  }

  #pending(): number {
    return this.#queue.length + this.#slots.filter((slot) => slot.job).length;
  }

  #fill(): void {
    while (!this.#closing && !this.#broken && this.#slots.length < this.#maxWorkers) {
      this.#slots.push(this.#spawn());
    }
  }

  #wake(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    this.#fill();
  }

  #spawn(): Slot {
    const worker = new Worker(WORKER_URL, { type: "module", name: "aio-executor" });
    const { port1, port2 } = new MessageChannel();
    const buffer = new SharedArrayBuffer(SHARED_BUFFER_BYTES);
    const jobBuffer = new SharedArrayBuffer(JOB_BUFFER_BYTES);
    const slot: Slot = {
      worker,
      jobs: viewJobBuffer(jobBuffer),
      seq: 0,
      ready: false,
      dead: false,
    } as Slot;
    slot.channel = attachMainEnd(port1, buffer, {
      transport: this.#transport,
      currentCall: () => ({
        context: slot.job?.context,
        callable: slot.job?.label,
        runIn: slot.job?.runIn,
      }),
    });
    worker.onmessage = (event) => this.#receive(slot, event.data as WorkerMessage);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#died(slot, `an uncaught error: ${event.message}`);
    };
    worker.onmessageerror = () => this.#died(slot, "a message the main isolate could not read");
    worker.postMessage(
      {
        kind: "init",
        port: port2,
        buffer,
        jobBuffer,
        transport: this.#transport,
        preload: [...this.#modules],
      },
      [port2],
    );
    return slot;
  }

  #startClock(slot: Slot, job: Job): void {
    job.timer = setTimeout(() => this.#timedOut(slot, job), job.timeoutMs);
  }

  #remember(ref: CallableRef): void {
    this.#modules.add("site" in ref ? siteModuleUrl(ref.site) : ref.moduleUrl);
  }

  #receive(slot: Slot, message: WorkerMessage): void {
    if (slot.dead) return;
    switch (message.kind) {
      case "ready":
        slot.ready = true;
        this.#startFailures = 0;
        if (slot.job && slot.job.timer === undefined) this.#startClock(slot, slot.job);
        this.#settleReadiness();
        return;
      case "exit":
        return this.#died(slot, `it called Deno.exit(${message.code})`);
      case "fatal":
        return this.#died(slot, "an uncaught error in its event loop", decodeError(message.error));
    }
    const job = slot.job;
    if (!job || job.seq !== message.seq) return;
    if (message.kind === "result") this.#settle(slot, job, { ok: true, value: message.value });
    else this.#settle(slot, job, { ok: false, error: message.error });
  }

  #settle(slot: Slot, job: Job, outcome: Outcome): void {
    clearTimeout(job.timer);
    slot.job = undefined;
    if (outcome.ok) job.resolve(outcome.value);
    else job.reject(decodeError(outcome.error));
    this.#afterJob();
  }

  /**
   * Waits (without blocking the event loop) for the worker to store this job's sequence
   * number as RESULT_SEQ, then reads the result from the buffer. A result that went by
   * postMessage is left to `#receive`; a job that timed out or whose worker died is over.
   */
  async #awaitResult(slot: Slot, job: Job, seq: number): Promise<void> {
    const { header } = slot.jobs;
    for (;;) {
      if (slot.job !== job) return;
      const current = Atomics.load(header, RESULT_SEQ);
      if (current === seq) break;
      const wait = Atomics.waitAsync(header, RESULT_SEQ, current);
      if (wait.async) await wait.value;
    }
    if (Atomics.load(header, RESULT_WHERE) !== IN_BUFFER) return;
    let outcome: Outcome;
    try {
      outcome = decodeFrom(slot.jobs.results, Atomics.load(header, RESULT_LENGTH)) as Outcome;
    } catch (error) {
      outcome = { ok: false, error: encodeError(error) };
    }
    this.#settle(slot, job, outcome);
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (slot.job || slot.dead) continue;
      const job = this.#queue.shift();
      if (!job) break;
      this.#remember(job.call.target);
      if (job.call.via) this.#remember(job.call.via);
      const seq = (slot.seq + 1) | 0;
      const payload = {
        target: job.call.target,
        via: job.call.via,
        args: job.call.args ?? [],
        label: job.label,
      };
      const { header } = slot.jobs;
      try {
        const length = encodeInto(payload, slot.jobs.jobs);
        if (length >= 0) {
          Atomics.store(header, JOB_LENGTH, length);
          Atomics.store(header, JOB_WHERE, IN_BUFFER);
        } else {
          // JSON cannot carry it or it does not fit: structured clone, announced below.
          slot.worker.postMessage({ kind: "run", seq, ...payload });
          Atomics.store(header, JOB_WHERE, ON_PORT);
        }
      } catch (error) {
        job.reject(
          new TypeError(
            `The arguments for ${job.label} cannot be sent to an executor worker ` +
              `(${(error as Error).message ?? describeValue(error)}). Pass structured-cloneable ` +
              "data: plain objects, arrays, strings, numbers, bytes.",
            { cause: error },
          ),
        );
        continue;
      }
      slot.seq = seq;
      slot.job = job;
      job.seq = seq;
      // A starting worker first imports the modules earlier calls used (see #spawn): the
      // call's clock starts when it is ready, so a timeout never counts a replacement's warm-up.
      if (slot.ready) this.#startClock(slot, job);
      Atomics.store(header, JOB_SEQ, seq);
      Atomics.notify(header, JOB_SEQ);
      this.#awaitResult(slot, job, seq);
    }
  }

  #afterJob(): void {
    this.#dispatch();
    if (this.#pending() > 0) return;
    if (this.#closing) {
      this.#drained?.();
    } else if (this.#idleTimeoutMs !== undefined && this.#idleTimer === undefined) {
      this.#idleTimer = setTimeout(() => {
        this.#idleTimer = undefined;
        for (const slot of [...this.#slots]) this.#stop(slot);
      }, this.#idleTimeoutMs);
    }
  }

  #timedOut(slot: Slot, job: Job): void {
    if (slot.job !== job) return;
    slot.job = undefined;
    this.#abandoned++;
    this.#stop(slot);
    job.reject(
      new ExecutorTimeout(
        `${job.label} ran longer than ${job.timeoutMs} ms in the executor; its ` +
          "worker was stopped and replaced.",
      ),
    );
    this.#replace();
  }

  #died(slot: Slot, reason: string, cause?: Error): void {
    if (slot.dead) return;
    const job = slot.job;
    slot.job = undefined;
    this.#stop(slot);
    if (!slot.ready && ++this.#startFailures >= MAX_START_FAILURES) {
      this.#broken = new WorkerCrashed(
        `Executor workers keep dying before they start (${reason}); giving up.`,
        { cause },
      );
      for (const waiting of this.#queue.splice(0)) waiting.reject(this.#broken);
      this.#settleReadiness();
    }
    if (job) {
      clearTimeout(job.timer);
      job.reject(
        new WorkerCrashed(
          `The executor worker running ${job.label} died: ${reason}. ` +
            "The worker was replaced; other calls were not affected.",
          { cause },
        ),
      );
    }
    this.#replace();
  }

  #replace(): void {
    if (this.#closing) {
      if (this.#pending() === 0) this.#drained?.();
      return;
    }
    this.#fill();
    this.#afterJob();
  }

  #stop(slot: Slot): void {
    slot.dead = true;
    if (slot.job) clearTimeout(slot.job.timer);
    slot.worker.onmessage = null;
    slot.worker.onerror = null;
    slot.worker.onmessageerror = null;
    // A worker blocked in Atomics.wait cannot be terminated: wake it to close itself, and
    // wake our own result waiter so it sees the job is over.
    Atomics.store(slot.jobs.header, JOB_STOPPED, 1);
    Atomics.notify(slot.jobs.header, JOB_SEQ);
    Atomics.notify(slot.jobs.header, RESULT_SEQ);
    slot.worker.terminate();
    slot.channel.close();
    this.#slots = this.#slots.filter((other) => other !== slot);
  }
}
