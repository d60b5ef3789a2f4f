/**
 * Named signals (cogen's `WaitForSignal` / `Signal`): a coroutine waits for a name,
 * anyone anywhere on the broker signals it with a value, every waiter wakes.
 *
 * @module
 */

import { checkChannel } from "./_checks.ts";
import { type Broker, getBroker } from "./broker.ts";

/** Signals travel on broker channels with this prefix, e.g. `aio.signal:abc`. */
export const SIGNAL_CHANNEL_PREFIX = "aio.signal:";

/** Options for {@linkcode waitForSignal}. */
export interface WaitForSignalOptions {
  /**
   * Give up after this many milliseconds; `Infinity` waits for as long as it takes.
   * Required, because a request handler that waits forever is rarely what you want.
   */
  timeoutMs: number;
  /** Stop waiting when aborted; the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
  /**
   * `"throw"` (default, as cogen delivered its timeout as an exception): reject with
   * {@linkcode SignalTimeout}. `"undefined"`: resolve `undefined` instead.
   */
  onTimeout?: "throw" | "undefined";
  /** The broker to listen on. Default: the current broker (`useBroker`). */
  broker?: Broker;
  /**
   * Called once the wait is in place: a `signal()` sent from then on, from any
   * isolate or machine, wakes this waiter. Use it to tell a peer "go ahead".
   */
  onListening?: () => void;
}

/** Options for {@linkcode signal}. */
export interface SignalOptions {
  /** The broker to signal on. Default: the current broker (`useBroker`). */
  broker?: Broker;
}

/**
 * Rejects {@linkcode waitForSignal} when nobody signalled in time.
 *
 * @example Telling a timeout from other failures
 * ```ts
 * import { SignalTimeout, waitForSignal } from "@aio/pyramid";
 * try {
 *   await waitForSignal("nobody-sends-this", { timeoutMs: 10 });
 * } catch (error) {
 *   console.assert(error instanceof SignalTimeout && error.signalName === "nobody-sends-this");
 * }
 * ```
 */
export class SignalTimeout extends Error {
  /** The signal that was waited for. */
  readonly signalName: string;
  /** How long it was waited for, in ms. */
  readonly timeoutMs: number;
  /** Creates the error for `name` after `timeoutMs`. */
  constructor(name: string, timeoutMs: number) {
    super(
      `No signal "${name}" arrived within ${timeoutMs} ms. Signal it with signal("${name}", value), ` +
        `wait longer (timeoutMs), or pass onTimeout: "undefined" to get undefined instead of this error.`,
    );
    this.name = "SignalTimeout";
    this.signalName = name;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Waits until someone calls `signal(name, value)` on the same broker (any isolate of
 * this process with the local broker; any machine with Redis) and resolves with
 * that value. A signal wakes only those already waiting: signals are not stored.
 * The wait is in place once `onListening` is called: at once for a waiter in the
 * signalling isolate, within a macrotask for other isolates, once Redis acknowledges
 * the SUBSCRIBE for Redis (where `signal()`'s count tells whether anyone heard).
 *
 * On timeout it rejects with {@linkcode SignalTimeout} (or resolves `undefined`
 * with `onTimeout: "undefined"`); on abort it rejects with the signal's reason.
 *
 * @example Waiting for a job to finish, with a deadline
 * ```ts
 * import { signal, waitForSignal } from "@aio/pyramid";
 * const done = waitForSignal<{ ok: boolean }>("job:42", { timeoutMs: 5000 });
 * await signal("job:42", { ok: true });
 * console.assert((await done)?.ok === true);
 * ```
 */
export async function waitForSignal<T = unknown>(
  name: string,
  options: WaitForSignalOptions,
): Promise<T | undefined> {
  checkChannel(name, "waitForSignal");
  const { timeoutMs, signal: abort, onTimeout = "throw" } = options ?? {};
  if (
    typeof timeoutMs !== "number" || Number.isNaN(timeoutMs) || timeoutMs < 0
  ) {
    throw new TypeError(
      `waitForSignal("${name}"): timeoutMs must be a number of milliseconds >= 0 ` +
        `(or Infinity to wait without limit), got ${String(timeoutMs)}.`,
    );
  }
  if (onTimeout !== "throw" && onTimeout !== "undefined") {
    throw new TypeError(
      `waitForSignal("${name}"): onTimeout must be "throw" or "undefined", got ${
        JSON.stringify(onTimeout)
      }.`,
    );
  }
  abort?.throwIfAborted();
  const broker = options.broker ?? getBroker();
  const subscription = broker.subscribe<{ value?: T }>(
    SIGNAL_CHANNEL_PREFIX + name,
    {
      bufferSize: 1,
      overflow: "drop-newest",
    },
  );
  if (options.onListening) {
    const onListening = options.onListening;
    subscription.ready.then(() => {
      if (!subscription.closed) onListening();
    }, () => {});
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const stop = new Promise<IteratorResult<{ value?: T }>>(
      (resolve, reject) => {
        if (Number.isFinite(timeoutMs)) {
          timer = setTimeout(() => {
            if (onTimeout === "undefined") {
              resolve({ value: { value: undefined }, done: false });
            } else reject(new SignalTimeout(name, timeoutMs));
          }, timeoutMs);
        }
        if (abort) {
          onAbort = () => reject(abort.reason);
          abort.addEventListener("abort", onAbort, { once: true });
        }
      },
    );
    const result = await Promise.race([subscription.next(), stop]);
    if (result.done) {
      throw new Error(
        `waitForSignal("${name}"): the broker was closed while waiting. ` +
          `Wait for signals only while the app is running.`,
      );
    }
    return result.value?.value;
  } finally {
    clearTimeout(timer);
    if (onAbort) abort?.removeEventListener("abort", onAbort);
    await subscription.return();
  }
}

/**
 * Wakes every waiter of `name` on the broker with `value` (structured-cloneable
 * locally, JSON for Redis). Resolves with the number of brokers that heard it where
 * the broker can tell (Redis; 0 means nobody was waiting), `undefined` where it
 * cannot (the local `BroadcastChannel` broker). Unlike cogen's in-process count this
 * counts brokers (isolates or machines with waiters), not individual waiters; a waiter
 * that has just returned may be counted for a moment more, while its unsubscribe is on
 * its way to Redis (it no longer receives anything).
 *
 * @example Signalling from a blocking job or another machine
 * ```ts
 * import { signal } from "@aio/pyramid";
 * await signal("abc", "Someone signaled me with this message");
 * ```
 */
export async function signal(
  name: string,
  value?: unknown,
  options: SignalOptions = {},
): Promise<number | undefined> {
  checkChannel(name, "signal");
  const broker = options.broker ?? getBroker();
  return await broker.publish(SIGNAL_CHANNEL_PREFIX + name, { value });
}
