/**
 * `request.session` in both worlds. On the main isolate it is a Promise of the request's
 * {@linkcode Session} (loaded on first use); in a blocking view's worker it is a
 * {@linkcode WorkerSession} whose every call runs on the main isolate's session through
 * the executor's service channel, so what a blocking view writes is saved exactly as from
 * an async view: once, by the main request's response callback.
 *
 * `PyramidRequest`'s `session` getter calls {@linkcode requestSession}, in either isolate.
 *
 * @module
 */

import { callService, inExecutorWorker, registerService } from "../executor/mod.ts";
import { loadSession, type RequestSession, type SessionfulRequest } from "./request_session.ts";
import type { FlashOptions, ISession, JsonValue, Session } from "./session.ts";

const SERVICE = "aio.session";

// Session methods a worker may call, and whether they are property reads.
const OPERATIONS = new Set([
  "new",
  "created",
  "size",
  "get",
  "set",
  "delete",
  "has",
  "keys",
  "entries",
  "changed",
  "invalidate",
  "flash",
  "peekFlash",
  "popFlash",
  "newCsrfToken",
  "getCsrfToken",
]);
const PROPERTIES = new Set(["new", "created", "size"]);

function mainRequestOf(call: { context: unknown }): SessionfulRequest {
  const request = (call.context as { request?: SessionfulRequest } | undefined)?.request;
  if (!request) throw new Error("request.session is available only while a blocking view runs.");
  return request;
}

if (!inExecutorWorker()) {
  registerService(SERVICE, async function sessionService(args, call) {
    const [operation, callArgs] = args as [string, unknown[]];
    const request = mainRequestOf(call);
    if (!OPERATIONS.has(operation)) throw new Error(`Unknown session operation '${operation}'.`);
    const session = await loadSession(request) as unknown as Record<string, unknown>;
    if (PROPERTIES.has(operation)) return session[operation];
    return (session[operation] as (...a: unknown[]) => unknown)(...callArgs);
  });
}

function forward(operation: string, args: unknown[] = []): unknown {
  return callService(SERVICE, operation, args);
}

/**
 * A blocking view's `request.session`: each call blocks the worker while the main
 * isolate's session answers (values cross as JSON).
 *
 * @example In a blocking view
 * ```ts
 * import type { ISession } from "@aio/pyramid";
 * export function counter(request: { session: ISession }) {
 *   const seen = (request.session.get("seen") as number | undefined) ?? 0;
 *   request.session.set("seen", seen + 1);
 *   return { seen: seen + 1 };
 * }
 * ```
 */
export class WorkerSession implements ISession {
  /** Whether the session is new. */
  get new(): boolean {
    return forward("new") as boolean;
  }
  /** Creation time, seconds since the epoch. */
  get created(): number {
    return forward("created") as number;
  }
  /** How many keys are set. */
  get size(): number {
    return forward("size") as number;
  }
  /** The value under `key`, or `fallback`. */
  get<T extends JsonValue = JsonValue>(key: string, fallback?: T): T | undefined {
    return (forward("get", [key, fallback]) ?? undefined) as T | undefined;
  }
  /** Stores a JSON value under `key`. */
  set(key: string, value: unknown): void {
    // Cloned as JSON here, so a value JSON cannot carry fails in the view, as on main.
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      throw new TypeError(
        `The session value for '${key}' cannot be stored as JSON (${(error as Error).message}).`,
      );
    }
    if (text === undefined) {
      throw new TypeError(
        `The session value for '${key}' is ${typeof value}, which JSON cannot carry. ` +
          "Use session.delete(key) to remove a value, or store null.",
      );
    }
    forward("set", [key, JSON.parse(text)]);
  }
  /** Removes `key`. */
  delete(key: string): boolean {
    return forward("delete", [key]) as boolean;
  }
  /** Whether `key` is set. */
  has(key: string): boolean {
    return forward("has", [key]) as boolean;
  }
  /** The keys. */
  keys(): string[] {
    return forward("keys") as string[];
  }
  /** The pairs. */
  entries(): [string, JsonValue][] {
    return forward("entries") as [string, JsonValue][];
  }
  /** Schedules a whole save. */
  changed(): void {
    forward("changed");
  }
  /** Empties the session and makes it new. */
  invalidate(): void {
    forward("invalidate");
  }
  /** Adds a flash message. */
  flash(message: unknown, options: FlashOptions = {}): void {
    forward("flash", [JSON.parse(JSON.stringify(message ?? null)), options]);
  }
  /** A flash queue's messages, kept. */
  peekFlash(queue = ""): JsonValue[] {
    return forward("peekFlash", [queue]) as JsonValue[];
  }
  /** A flash queue's messages, removed. */
  popFlash(queue = ""): JsonValue[] {
    return forward("popFlash", [queue]) as JsonValue[];
  }
  /** A new CSRF token. */
  newCsrfToken(): string {
    return forward("newCsrfToken") as string;
  }
  /** The CSRF token. */
  getCsrfToken(): string {
    return forward("getCsrfToken") as string;
  }
}

// Calling a session method on the Promise (forgetting `await`) says what to write.
const GUARDS = Object.fromEntries(
  [...OPERATIONS].filter((name) => !PROPERTIES.has(name)).map((name) => [
    name,
    function notAwaited(): never {
      throw new TypeError(
        `request.session is a Promise in async views: write (await request.session).${name}(…). ` +
          "(In blocking views it is the session itself.)",
      );
    },
  ]),
);

/**
 * The `session` request member (reified): a Promise of the session on the main isolate,
 * a {@linkcode WorkerSession} in an executor worker.
 *
 * @example What `request.session` is made of
 * ```ts
 * import { requestSession } from "@aio/pyramid";
 * console.assert(typeof requestSession === "function");
 * ```
 */
export function requestSession(request: SessionfulRequest): RequestSession {
  if (inExecutorWorker()) return new WorkerSession() as unknown as RequestSession;
  const pending = loadSession(request) as Promise<Session>;
  return Object.assign(pending, GUARDS) as unknown as RequestSession;
}
