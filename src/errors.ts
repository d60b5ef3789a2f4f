/**
 * The framework's own error types.
 *
 * @module
 */

/**
 * Raised when the application is configured in a way that cannot work: a conflicting
 * registration, a view the executor cannot locate, a cycle among tweens, a bad setting.
 * The message names what is wrong, where it was registered, and how to fix it.
 *
 * @example Catching a configuration error at start-up
 * ```ts
 * import { ConfigurationError } from "@aio/pyramid";
 * try {
 *   throw new ConfigurationError("No route named 'home'. Add it with config.addRoute('home', '/').");
 * } catch (error) {
 *   console.assert(error instanceof ConfigurationError);
 * }
 * ```
 */
export class ConfigurationError extends Error {
  /** Creates the error; `options.cause` keeps the underlying error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigurationError";
  }
}

/**
 * Raised when a helper is used where it cannot work, such as calling a strict
 * `synchronize()`d function on the main isolate, where it would have to block the event loop.
 *
 * @example Recognising a scope error
 * ```ts
 * import { ScopeError } from "@aio/pyramid";
 * const error = new ScopeError("Await the async function directly instead.");
 * console.assert(error.name === "ScopeError");
 * ```
 */
export class ScopeError extends Error {
  /** Creates the error; `options.cause` keeps the underlying error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ScopeError";
  }
}

/**
 * Thrown by `ws.send()` (and `WebsocketConnectionView.send()`) once the connection has
 * closed. A view that lets it escape simply ends; wrap the app with
 * `ignoreWebsocketClosed(app)` to keep these out of the error log.
 *
 * @example Stopping a broadcast loop when the peer goes away
 * ```ts
 * import { WebsocketClosed } from "@aio/pyramid";
 * try {
 *   throw new WebsocketClosed(1001, "going away");
 * } catch (error) {
 *   console.assert(error instanceof WebsocketClosed && error.code === 1001);
 * }
 * ```
 */
export class WebsocketClosed extends Error {
  /** The close code, when known. */
  readonly code: number | undefined;
  /** The close reason, when known. */
  readonly reason: string;
  /** Creates the error. */
  constructor(code?: number, reason = "") {
    super(
      `The websocket is closed${
        code === undefined ? "" : ` (code ${code}${reason ? `: ${reason}` : ""})`
      }; ` +
        "stop sending, or catch WebsocketClosed.",
    );
    this.name = "WebsocketClosed";
    this.code = code;
    this.reason = reason;
  }
}
