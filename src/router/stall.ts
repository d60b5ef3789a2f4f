/**
 * The event-loop stall detector (`aio.stall_warning_ms`; default 100 when `aio.debug` is on,
 * off otherwise), asyncio debug mode's `slow_callback_duration` for this framework: when
 * the event loop was blocked longer than that, a warning names what was running — the view
 * (its name and `file:line`), its route and the request line — and for how long.
 *
 * Two measurements cover the two ways an async view blocks:
 * - the synchronous part of every view call (and of every request's tween chain) is timed
 *   directly: a view that spins before its first `await` is named exactly;
 * - a heartbeat timer notices a late tick: blocking after an `await`, where no frame of
 *   ours is on the stack, is blamed on the view that settles right after the gap, or else
 *   on the view (or request) entered most recently among those still in flight.
 *
 * @module
 */

import { formatSite } from "../_callsite.ts";
import type { ViewRegistration } from "../config/registry.ts";
import type { PyramidRequest } from "../request/request.ts";
import { asInt } from "../config/settings.ts";

/** The setting: a duration in milliseconds; `0` turns the detector off. */
export const STALL_WARNING_SETTING = "aio.stall_warning_ms";
/** The default when `aio.debug` is on. */
export const DEFAULT_STALL_WARNING_MS = 100;

interface Running {
  request: PyramidRequest;
  view?: ViewRegistration;
}

type MappedCall = (context: unknown, request: PyramidRequest) => unknown;

function describe(running: Running): string {
  const { request, view } = running;
  const line = `${request.method} ${request.pathname}`;
  const route = request.matchedRoute ? ` on route '${request.matchedRoute.name}'` : "";
  if (!view) return `a tween or the router (no view had started) while handling ${line}`;
  return `the view ${view.label} (${formatSite(view.site)})${route}, while handling ${line}`;
}

/**
 * Watches one app's requests and views for event-loop stalls.
 *
 * @example Wrapping a request handler
 * ```ts ignore
 * const stall = StallDetector.fromSettings(registry.settings, registry.aio.debug);
 * const response = await (stall ? stall.watchRequest(request, chain) : chain(request));
 * ```
 */
export class StallDetector {
  /** The threshold in milliseconds. */
  readonly thresholdMs: number;
  #log: (line: string) => void;
  #inFlight = new Set<Running>();
  #latest: Running | undefined;
  #interval: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastTick = performance.now();
  #reportedAt = 0;

  /** A detector for `thresholdMs`; `log` defaults to `console.warn`. */
  constructor(thresholdMs: number, log: (line: string) => void = (line) => console.warn(line)) {
    this.thresholdMs = thresholdMs;
    this.#log = log;
    this.#interval = Math.max(5, Math.floor(thresholdMs / 4));
  }

  /** The detector the settings ask for, or `undefined` when it is off. */
  static fromSettings(
    settings: Readonly<Record<string, unknown>>,
    debug: boolean,
  ): StallDetector | undefined {
    const value = settings[STALL_WARNING_SETTING];
    const ms = value === undefined || value === ""
      ? (debug ? DEFAULT_STALL_WARNING_MS : 0)
      : asInt(value, STALL_WARNING_SETTING);
    return ms > 0 ? new StallDetector(ms) : undefined;
  }

  /** Runs one request's handler chain, timing its synchronous part and tracking it. */
  async watchRequest(
    request: PyramidRequest,
    chain: (request: PyramidRequest) => Promise<Response>,
  ): Promise<Response> {
    this.#start();
    const running: Running = { request };
    this.#inFlight.add(running);
    this.#latest = running;
    const started = performance.now();
    let pending: Promise<Response> | undefined;
    try {
      pending = chain(request);
    } finally {
      this.#measured(started, running);
    }
    try {
      return await pending;
    } finally {
      this.#inFlight.delete(running);
    }
  }

  /** Wraps a mapped view so its calls are timed and blamed by name. */
  watchView(mapped: MappedCall, registration: ViewRegistration): MappedCall {
    // deno-lint-ignore no-this-alias
    const detector = this;
    return function stallWatchedView(context, request) {
      const running: Running = { request, view: registration };
      detector.#inFlight.add(running);
      detector.#latest = running;
      const started = performance.now();
      let result: unknown;
      try {
        result = mapped(context, request);
      } catch (error) {
        detector.#inFlight.delete(running);
        throw error;
      } finally {
        detector.#measured(started, running);
      }
      if (result instanceof Promise) {
        return result.finally(() => detector.#settled(running));
      }
      detector.#inFlight.delete(running);
      return result;
    };
  }

  // An async view settling right after a late heartbeat: it most likely blocked after an
  // await (its continuation ran, then it returned); blame it before the tick can't see it.
  #settled(running: Running): void {
    this.#inFlight.delete(running);
    if (this.#timer === undefined) return;
    const now = performance.now();
    const late = now - this.#lastTick - this.#interval;
    if (late > this.thresholdMs && this.#reportedAt <= this.#lastTick) {
      this.#reportedAt = now;
      this.#warn(late, describe(running));
    }
  }

  /** Stops the heartbeat. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #measured(started: number, running: Running): void {
    const now = performance.now();
    const took = now - started;
    if (took > this.thresholdMs && this.#reportedAt < started) {
      this.#reportedAt = now;
      this.#warn(took, describe(running));
    }
  }

  // The heartbeat starts with the first request, so an app that is built and never served
  // (as in most tests) holds no timer.
  #start(): void {
    if (this.#timer !== undefined) return;
    this.#lastTick = performance.now();
    this.#timer = setInterval(() => this.#tick(), this.#interval);
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  #tick(): void {
    const now = performance.now();
    const late = now - this.#lastTick - this.#interval;
    const previous = this.#lastTick;
    this.#lastTick = now;
    // Already reported by a direct measurement inside this gap.
    if (late <= this.thresholdMs || this.#reportedAt > previous) return;
    this.#reportedAt = now;
    const candidates = [...this.#inFlight];
    const blamed = this.#latest && this.#inFlight.has(this.#latest)
      ? this.#latest
      : candidates.at(-1);
    const what = blamed
      ? `${describe(blamed)}${
        candidates.length > 1 ? ` (most recently entered of ${candidates.length} running)` : ""
      }`
      : "code outside any request (a timer, a websocket or a background task)";
    this.#warn(late, what);
  }

  #warn(ms: number, what: string): void {
    this.#log(
      `[aio.pyramid] The event loop was blocked for ${Math.round(ms)} ms ` +
        `(over ${STALL_WARNING_SETTING} = ${this.thresholdMs}) by ${what}. Every other request ` +
        "waited meanwhile: move blocking work into a plain (non-async) function view, which " +
        "runs in the executor, or await an asynchronous API instead.",
    );
  }
}
