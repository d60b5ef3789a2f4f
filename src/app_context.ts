/**
 * Per-app services without process globals. An extension registers what it provides under
 * a typed {@linkcode UtilityKey} on the app's registry (Pyramid's `registerUtility`); code
 * running inside one of the app's requests finds the app's services through
 * {@linkcode currentAppContext} (an `AsyncLocalStorage`), so two apps in one isolate never
 * see each other's executor or broker.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";

/**
 * A typed name for a service an app provides. The module that consumes the service owns
 * the key; the extension that provides it registers a value under it.
 *
 * @example Declaring and using a key
 * ```ts
 * import { Configurator, UtilityKey } from "@aio/pyramid";
 * const GREETER = new UtilityKey<(name: string) => string>("greeter");
 * const config = new Configurator();
 * config.registry.registerUtility(GREETER, (name) => `hello ${name}`);
 * console.assert(config.registry.queryUtility(GREETER)?.("deno") === "hello deno");
 * ```
 */
export class UtilityKey<T> {
  /** What the key names, for error messages. */
  readonly name: string;
  /** Type-only: carries T so keys of different types are not interchangeable. */
  declare readonly __type?: T;
  /** Creates a key. */
  constructor(name: string) {
    this.name = name;
  }
}

/** What code running inside an app's request can look up. */
export interface AppContext {
  /** The service registered under `key`, if any. */
  queryUtility<T>(key: UtilityKey<T>): T | undefined;
}

const storage = new AsyncLocalStorage<AppContext>();
// Apps that are serving. While there is only one, it is the current app everywhere and no
// request pays for entering an AsyncLocalStorage context (≈ 7% of a minimal request).
const live = new Set<AppContext>();

/**
 * Marks `context` as a serving app until the returned function is called (`makeApp()` and
 * `app.close()` do this).
 *
 * @example Registering an app for the time it serves
 * ```ts
 * import { Configurator, currentAppContext, enterLiveApp } from "@aio/pyramid";
 * const registry = new Configurator().registry;
 * const leave = enterLiveApp(registry);
 * console.assert(currentAppContext() === registry);
 * leave();
 * ```
 */
export function enterLiveApp(context: AppContext): () => void {
  live.add(context);
  return function leaveLiveApp() {
    live.delete(context);
  };
}

/**
 * Runs `fn` with `context` as the current app (the request path does this per request).
 *
 * @example Running code as an app
 * ```ts
 * import { Configurator, currentAppContext, runInAppContext } from "@aio/pyramid";
 * const registry = new Configurator().registry;
 * runInAppContext(registry, () => console.assert(currentAppContext() === registry));
 * ```
 */
export function runInAppContext<R, A extends unknown[] = []>(
  context: AppContext,
  fn: (...args: A) => R,
  ...args: A
): R {
  if (live.size === 1 && live.has(context) && storage.getStore() === undefined) return fn(...args);
  return storage.run(context, fn, ...args);
}

/**
 * The app whose request is running; outside any request, the only serving app when there
 * is exactly one; otherwise `undefined`.
 *
 * @example Finding the current app
 * ```ts
 * import { currentAppContext } from "@aio/pyramid";
 * console.assert(currentAppContext() === undefined);
 * ```
 */
export function currentAppContext(): AppContext | undefined {
  const store = storage.getStore();
  if (store !== undefined || live.size !== 1) return store;
  return live.values().next().value;
}
