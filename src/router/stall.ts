/**
 * The event-loop stall detector (`aio.stall_warning_ms`; default 100 when `aio.debug` is on,
 * off otherwise), asyncio debug mode's `slow_callback_duration` for this framework: when
 * the event loop was blocked longer than that, a warning names what was running — the view
 * (its name and `file:line`), its route and the request line — and for how long.
 *
 * It costs one field write per request and per view, and one clock read per view call:
 * - a heartbeat timer stamps the time every `threshold / 4` ms while the loop is free;
 * - when a view call returns, the time since the last stamp says whether the loop was held
 *   meanwhile; a view that spins before its first `await` is named exactly this way;
 * - a late heartbeat (blocking after an `await`, where no frame of ours is on the stack)
 *   is blamed on the view — or, before any view started, the request — entered most
 *   recently.
 *
 * @module
 */

import { formatSite } from "../_callsite.ts";
import type { ViewRegistration } from "../config/registry.ts";
import type { PyramidRequest } from "../request/request.ts";

// The setting (read through the aio.* schema as `registry.aio.stallWarningMs`, which applies
// the default of 100 under aio.debug), named in the warning.
const STALL_WARNING_SETTING = "aio.stall_warning_ms";

type MappedCall = (context: unknown, request: PyramidRequest) => unknown;

function describe(request: PyramidRequest, view: ViewRegistration | undefined): string {
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
 * const ms = registry.aio.stallWarningMs;
 * const stall = ms > 0 ? new StallDetector(ms) : undefined;
 * const response = await (stall ? stall.watchRequest(request, chain) : chain(request));
 * ```
 */
export class StallDetector {
  /** The threshold in milliseconds. */
  readonly thresholdMs: number;
  #log: (line: string) => void;
  #interval: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  // The last heartbeat, or the last view return that reported a stall.
  #mark = Date.now();
  #latestRequest: PyramidRequest | undefined;
  #latestView: ViewRegistration | undefined;

  /** A detector for `thresholdMs`; `log` defaults to `console.warn`. */
  constructor(thresholdMs: number, log: (line: string) => void = (line) => console.warn(line)) {
    this.thresholdMs = thresholdMs;
    this.#log = log;
    this.#interval = Math.max(5, Math.floor(thresholdMs / 4));
  }

  /** Runs one request's handler chain, noting the request for blame. */
  watchRequest(
    request: PyramidRequest,
    chain: (request: PyramidRequest) => Promise<Response>,
  ): Promise<Response> {
    // The heartbeat starts with the first request, so an app that is built and never
    // served (as in most tests) holds no timer.
    if (this.#timer === undefined) this.#start();
    this.#latestRequest = request;
    this.#latestView = undefined;
    return chain(request);
  }

  /** Wraps a mapped view so the calls that held the loop are named. */
  watchView(mapped: MappedCall, registration: ViewRegistration): MappedCall {
    // deno-lint-ignore no-this-alias
    const detector = this;
    return function stallWatchedView(context, request) {
      detector.#latestRequest = request;
      detector.#latestView = registration;
      try {
        return mapped(context, request);
      } finally {
        detector.#returned(request, registration);
      }
    };
  }

  /** Stops the heartbeat. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #returned(request: PyramidRequest, view: ViewRegistration): void {
    if (this.#timer === undefined) return;
    const now = Date.now();
    // Without a block the heartbeat stamps at least every interval.
    const held = now - this.#mark - this.#interval;
    if (held > this.thresholdMs) {
      this.#mark = now;
      this.#warn(held + this.#interval / 2, describe(request, view));
    }
  }

  #start(): void {
    this.#mark = Date.now();
    this.#timer = setInterval(() => this.#tick(), this.#interval);
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  #tick(): void {
    const now = Date.now();
    const held = now - this.#mark - this.#interval;
    this.#mark = now;
    if (held <= this.thresholdMs) return;
    const what = this.#latestRequest
      ? describe(this.#latestRequest, this.#latestView)
      : "code outside any request (a timer, a websocket or a background task)";
    this.#warn(held + this.#interval / 2, what);
  }

  // `ms` is the middle of what the heartbeat can tell: the block lasted between the gap
  // minus one interval and the whole gap.
  #warn(ms: number, what: string): void {
    this.#log(
      `[aio.pyramid] The event loop was blocked for about ${Math.round(ms)} ms ` +
        `(over ${STALL_WARNING_SETTING} = ${this.thresholdMs}) by ${what}. Every other request ` +
        "waited meanwhile: move blocking work into a plain (non-async) function view, which " +
        "runs in the executor, or await an asynchronous API instead.",
    );
  }
}
