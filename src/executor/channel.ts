/**
 * The request/answer channel from an executor worker to the main isolate.
 *
 * A worker writes `{ service, args }` into its `SharedArrayBuffer` (or posts it on its
 * `MessagePort`), resets its answer slot, and blocks in `Atomics.wait`. The main isolate runs
 * the named service (which may be async), writes the answer into the shared buffer (JSON when
 * that is faithful, `node:v8` serialisation otherwise) or posts it on the port when it does not
 * fit or the `"port"` transport is chosen — and only then stores the state and calls
 * `Atomics.notify`; the worker reads it, or takes it with `receiveMessageOnPort`. `synchronize()` is one service; the view layer
 * registers others (authenticated user id, session, websocket `recv`/`send`).
 *
 * @module
 */

import { receiveMessageOnPort } from "node:worker_threads";
import { deserialize, serialize } from "node:v8";
import { ConfigurationError, ScopeError } from "../errors.ts";
import { decodeError, describeValue, type EncodedError, encodeError } from "./_errors.ts";

/** How answers travel back to a blocked worker. */
export type Transport = "buffer" | "port";

/** What a service handler learns about the call it serves. */
export interface ServiceCall {
  /** The `context` given to `Executor.run()` for the call running on the asking worker. */
  context: unknown;
  /** A readable name of that call's callable, or `undefined` between calls. */
  callable: string | undefined;
  /** Runs a function in the async context of that call's `Executor.run()` (the app's request). */
  runIn?: <R>(fn: () => R) => R;
}

/** A main-side service: receives the worker's arguments; may return a Promise. */
export type ServiceHandler = (args: unknown[], call: ServiceCall) => unknown;

const HEADER_BYTES = 32;
// The header's Int32 slots. STATE: the answer (PENDING, IN_BUFFER, ON_PORT). REQUEST: a call
// waiting for the main side (NONE, IN_BUFFER, ON_PORT). STOPPED: 1 once the main side stopped
// the worker — Deno 2.9 cannot terminate a worker blocked in Atomics.wait (nor one in an
// endless loop), so a stopped worker must wake up and unwind by itself.
const STATE = 0;
const LENGTH = 1;
const STOPPED = 2;
const ENCODING = 3;
const REQUEST = 4;
const NONE = 0;
const PENDING = 0;
const IN_BUFFER = 1;
const ON_PORT = 2;
// node:v8's serialize costs ~25 µs a call in Deno 2.9 against ~1 µs for JSON, so payloads
// JSON carries faithfully go as JSON.
const JSON_ENCODED = 1;
const V8_ENCODED = 2;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes of each worker's shared buffer; answers larger than this travel on the port. */
export const SHARED_BUFFER_BYTES = 64 * 1024;

type Answer = { ok: true; value: unknown } | { ok: false; error: EncodedError };

/** Options of {@linkcode registerService}. */
export interface ServiceOptions {
  /** Names one call of the service in error messages, from its arguments. */
  describe?: (args: unknown[]) => string;
}

const services = new Map<string, { handler: ServiceHandler } & ServiceOptions>();

/**
 * Registers a main-side service that executor workers call synchronously with
 * {@linkcode callService}. Returns a function that unregisters it.
 *
 * @throws {ConfigurationError} when another handler already has the name.
 *
 * @example Giving blocking views the authenticated user
 * ```ts
 * import { registerService } from "./channel.ts";
 * const unregister = registerService("app.userid", (_args, call) => {
 *   return (call.context as { userid?: string } | undefined)?.userid ?? null;
 * });
 * unregister();
 * ```
 */
export function registerService(
  name: string,
  handler: ServiceHandler,
  options: ServiceOptions = {},
): () => void {
  const existing = services.get(name);
  if (existing !== undefined && existing.handler !== handler) {
    throw new ConfigurationError(
      `A service named "${name}" is already registered. Pick another name, or unregister ` +
        "the first one with the function registerService() returned.",
    );
  }
  services.set(name, { handler, describe: options.describe });
  return function unregisterService() {
    if (services.get(name)?.handler === handler) services.delete(name);
  };
}

// ---------------------------------------------------------------- worker side

interface WorkerEnd {
  port: MessagePort;
  header: Int32Array;
  data: Uint8Array;
  transport: Transport;
}

let workerEnd: WorkerEnd | undefined;

/** Called once by the executor's worker script with its end of the channel. */
export function installWorkerEnd(
  port: MessagePort,
  buffer: SharedArrayBuffer,
  transport: Transport,
): void {
  workerEnd = {
    port,
    header: new Int32Array(buffer, 0, HEADER_BYTES / 4),
    data: new Uint8Array(buffer, HEADER_BYTES),
    transport,
  };
}

/** True inside an executor worker, where {@linkcode callService} can block. */
export function inExecutorWorker(): boolean {
  return workerEnd !== undefined;
}

// How long a worker spins on its answer slot before it sleeps in Atomics.wait.
const SPIN_BEFORE_WAIT_MS = 0.3;

/**
 * Calls a main-side service from inside an executor worker and waits for its answer:
 * returns its value, or throws its error.
 *
 * @throws {ScopeError} outside an executor worker, where blocking is impossible.
 *
 * @example Asking the main isolate from a blocking view
 * ```ts
 * import { callService } from "./channel.ts";
 * export function whoAmI() {
 *   return callService("app.userid");
 * }
 * ```
 */
export function callService(name: string, ...args: unknown[]): unknown {
  const end = workerEnd;
  if (end === undefined) {
    throw new ScopeError(
      `callService("${name}") blocks until the main isolate answers, so it works only in ` +
        "code the executor runs. On the main isolate, call the service's code directly.",
    );
  }
  throwIfStopped(end);
  const request = { service: name, args };
  Atomics.store(end.header, STATE, PENDING);
  let where = end.transport === "buffer" ? write(end.header, end.data, request) : ON_PORT;
  if (where === ON_PORT) {
    try {
      end.port.postMessage(request);
    } catch (error) {
      throw new TypeError(
        `The arguments to "${name}" cannot be sent to the main isolate: ` +
          `${(error as Error).message} Pass plain data (no functions or class instances).`,
        { cause: error },
      );
    }
    // With the port transport the main side is woken by the message itself.
    if (end.transport === "port") where = NONE;
  }
  if (where !== NONE) {
    Atomics.store(end.header, REQUEST, where);
    Atomics.notify(end.header, REQUEST);
  }
  // Spin briefly before sleeping: the main isolate usually answers within a few hundred µs,
  // and on small VMs waking a thread blocked in Atomics.wait costs tens of µs more.
  const spinUntil = performance.now() + SPIN_BEFORE_WAIT_MS;
  while (Atomics.load(end.header, STATE) === PENDING && performance.now() < spinUntil) {
    // Busy-wait: this worker has nothing else to do until the answer arrives.
  }
  while (Atomics.load(end.header, STATE) === PENDING && !Atomics.load(end.header, STOPPED)) {
    Atomics.wait(end.header, STATE, PENDING);
  }
  throwIfStopped(end);
  const answer = read(end.header, end.data, end.port, Atomics.load(end.header, STATE)) as Answer;
  if (answer.ok) return answer.value;
  throw decodeError(answer.error);
}

function throwIfStopped(end: WorkerEnd): void {
  if (Atomics.load(end.header, STOPPED)) {
    throw new ScopeError(
      "The executor stopped this worker (its call timed out or the executor closed); the " +
        "synchronized call was abandoned.",
    );
  }
}

/**
 * Writes `payload` into the shared buffer (JSON when faithful, else node:v8) and returns
 * IN_BUFFER, or returns ON_PORT when it does not fit. Throws when v8 cannot serialise it.
 */
function write(header: Int32Array, data: Uint8Array, payload: unknown): number {
  if (jsonFaithful(payload, 0)) {
    const text = JSON.stringify(payload);
    const { read, written } = encoder.encodeInto(text, data);
    if (read !== text.length) return ON_PORT;
    Atomics.store(header, ENCODING, JSON_ENCODED);
    Atomics.store(header, LENGTH, written);
    return IN_BUFFER;
  }
  let bytes: Uint8Array;
  try {
    bytes = serialize(payload);
  } catch {
    return ON_PORT; // the port's structured clone reports the error in its own words
  }
  if (bytes.length > data.length) return ON_PORT;
  data.set(bytes);
  Atomics.store(header, ENCODING, V8_ENCODED);
  Atomics.store(header, LENGTH, bytes.length);
  return IN_BUFFER;
}

function read(header: Int32Array, data: Uint8Array, port: MessagePort, where: number): unknown {
  if (where === IN_BUFFER) {
    const bytes = data.slice(0, Atomics.load(header, LENGTH));
    if (Atomics.load(header, ENCODING) === V8_ENCODED) return deserialize(bytes);
    return JSON.parse(decoder.decode(bytes));
  }
  // The sender posts before it signals, so the message is already queued.
  for (;;) {
    const received = receiveMessageOnPort(port as never);
    if (received !== undefined) return received.message;
  }
}

// ---------------------------------------------------------------- main side

/** The main isolate's end of one worker's channel. */
export interface MainEnd {
  /** Stops answering, wakes a worker blocked on an answer, and closes the port. */
  close(): void;
}

/**
 * Serves one worker's channel on the main isolate. With the `"buffer"` transport, requests
 * arrive through the shared buffer and wake the main isolate through `Atomics.waitAsync`
 * (about a third of a MessagePort's latency in Deno 2.9; a pending `waitAsync` does not keep
 * the process alive); with `"port"`, through the port's message event.
 */
export function attachMainEnd(
  port: MessagePort,
  buffer: SharedArrayBuffer,
  options: { transport: Transport; currentCall: () => ServiceCall },
): MainEnd {
  const header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  const data = new Uint8Array(buffer, HEADER_BYTES);
  let closed = false;

  async function serve(request: { service: string; args: unknown[] }): Promise<void> {
    const { service, args } = request;
    const entry = services.get(service);
    let reply: Answer;
    try {
      if (entry === undefined) {
        throw new ConfigurationError(
          `No service named "${service}" is registered on the main isolate. Register it ` +
            "with registerService() before workers call it.",
        );
      }
      const call = options.currentCall();
      const handler = entry.handler;
      reply = {
        ok: true,
        value: await (call.runIn ? call.runIn(() => handler(args, call)) : handler(args, call)),
      };
    } catch (error) {
      reply = { ok: false, error: encodeError(error) };
    }
    answer(reply, entry?.describe?.(args) ?? `the service "${service}"`);
  }

  function answer(reply: Answer, label: string): void {
    // The worker may have been stopped while the service ran.
    if (closed) return;
    let where = ON_PORT;
    if (options.transport === "buffer") {
      try {
        where = write(header, data, reply);
      } catch (error) {
        where = write(header, data, notCloneable(label, error));
      }
    }
    if (where === ON_PORT) {
      try {
        port.postMessage(reply);
      } catch (error) {
        port.postMessage(notCloneable(label, error));
      }
    }
    Atomics.store(header, STATE, where);
    Atomics.notify(header, STATE);
  }

  async function listen(): Promise<void> {
    while (!closed) {
      const wait = Atomics.waitAsync(header, REQUEST, NONE);
      if (wait.async) await wait.value;
      if (closed) return;
      const where = Atomics.load(header, REQUEST);
      if (where === NONE) continue;
      let request: { service: string; args: unknown[] };
      try {
        request = read(header, data, port, where) as typeof request;
      } finally {
        Atomics.store(header, REQUEST, NONE);
      }
      serve(request);
    }
  }

  if (options.transport === "buffer") {
    listen();
  } else {
    port.onmessage = function serveWorkerRequest(event: MessageEvent) {
      serve(event.data);
    };
  }

  return {
    close() {
      closed = true;
      Atomics.store(header, STOPPED, 1);
      Atomics.notify(header, STATE);
      Atomics.notify(header, REQUEST);
      port.onmessage = null;
      port.close();
    },
  };
}

/**
 * True when JSON round-trips `value` exactly (an answer's own `value: undefined` is fine: a
 * missing key reads back as undefined). Gives up on large or deep values, which go by v8.
 */
function jsonFaithful(value: unknown, depth: number): boolean {
  if (depth > 8) return false;
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (Array.isArray(value)) {
        if (value.length > 64) return false;
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !jsonFaithful(value[i], depth + 2)) return false;
        }
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      let keys = 0;
      for (const key in value) {
        if (++keys > 64) return false;
        const item = (value as Record<string, unknown>)[key];
        // `undefined` members are dropped by JSON, so only the answer's own `value` may be one.
        if (item === undefined && !(depth === 0 && key === "value")) return false;
        if (item !== undefined && !jsonFaithful(item, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function notCloneable(label: string, error: unknown): Answer {
  return {
    ok: false,
    error: encodeError(
      new TypeError(
        `The answer of ${label} cannot be sent back to the worker ` +
          `(${(error as Error).message ?? describeValue(error)}). Return plain data: ` +
          "structured-cloneable values, no functions.",
      ),
    ),
  };
}
