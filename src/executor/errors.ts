/**
 * The executor's own errors. The executor knows nothing of HTTP: the blocking-views app
 * extension maps these to 503 (`ExecutorOverloaded`), 504 (`ExecutorTimeout`) and 500
 * (`WorkerCrashed`).
 *
 * @module
 */

/** Options of the executor errors. */
export interface ExecutorErrorOptions {
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The base of the executor's errors.
 *
 * @example Telling executor failures from the callable's own errors
 * ```ts
 * import { ExecutorError, spawnBlocking } from "@aio/pyramid";
 * try {
 *   await spawnBlocking("./jobs.ts#report");
 * } catch (error) {
 *   if (error instanceof ExecutorError) console.log("the executor failed:", error.message);
 * }
 * ```
 */
export class ExecutorError extends Error {
  /** Creates the error. */
  constructor(message: string, options: ExecutorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/**
 * The call was refused: the queue is full or the executor is closed. Try again later.
 *
 * @example Backing off
 * ```ts
 * import { ExecutorOverloaded } from "@aio/pyramid";
 * const error = new ExecutorOverloaded("busy", { retryAfterSeconds: 2 });
 * console.assert(error.retryAfterSeconds === 2);
 * ```
 */
export class ExecutorOverloaded extends ExecutorError {
  /** Seconds after which a retry may succeed. */
  readonly retryAfterSeconds: number;
  /** Creates the error. */
  constructor(
    message: string,
    options: ExecutorErrorOptions & { retryAfterSeconds?: number } = {},
  ) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }
}

/**
 * The call ran longer than its timeout; its worker was stopped and replaced.
 *
 * @example Recognising a timeout
 * ```ts
 * import { ExecutorTimeout } from "@aio/pyramid";
 * console.assert(new ExecutorTimeout("too slow") instanceof Error);
 * ```
 */
export class ExecutorTimeout extends ExecutorError {}

/**
 * The worker running the call died (or workers keep dying before they start).
 *
 * @example Recognising a crash
 * ```ts
 * import { WorkerCrashed } from "@aio/pyramid";
 * console.assert(new WorkerCrashed("gone").name === "WorkerCrashed");
 * ```
 */
export class WorkerCrashed extends ExecutorError {}
