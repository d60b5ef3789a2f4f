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
