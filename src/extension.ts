/**
 * App extensions: what plugs optional machinery (the executor for blocking views,
 * websockets, the broadcast broker) into an app without the request path or the
 * Configurator knowing it. An extension is installed by `makeApp()` before any view is
 * derived; it registers what it provides under a {@linkcode UtilityKey} on the registry and
 * hands the app what it must wait for (`onReady`) and stop (`onClose`). Extensions install
 * in `over`/`under` order and close in the reverse order, so one that uses another (the
 * websocket extension uses the executor's workers) stops first.
 *
 * @module
 */

import type { Registry } from "./config/registry.ts";
import type { ViewDeriver, ViewDeriverOptions } from "./views/derivers.ts";

/** What an extension gets while the app is being made. */
export interface ExtensionHost {
  /** The application registry (register utilities here). */
  readonly registry: Registry;
  /** Registers a start-up that `app.ready()` waits for. */
  onReady(check: () => Promise<void>): void;
  /** Registers a shutdown step; `app.close()` runs extensions' steps in reverse install order. */
  onClose(closer: () => void | Promise<void>): void;
  /** Sets a value `app.extension(name)` returns (e.g. the executor, for `app.executor`). */
  expose(value: unknown): void;
  /**
   * Adds a view deriver `(view, info) => view` to every view of the app being made, with
   * the same options and checks as `config.addViewDeriver()`: between `decorated_view` and
   * `rendered_view` unless `over`/`under` say otherwise, a unique `name` (default: the
   * function's name), and the view options it reads declared as `deriver.options`. Views
   * are derived after every extension is installed, so the deriver wraps all of them.
   *
   * @example An extension adding a `timed` view option
   * ```ts
   * import {
   *   type AppExtension,
   *   Configurator,
   *   type DerivedView,
   *   type ViewDeriverInfo,
   * } from "@aio/pyramid";
   * function timedView(view: DerivedView, info: ViewDeriverInfo): DerivedView {
   *   if (!info.options.timed) return view;
   *   return async (context, request) => {
   *     const started = performance.now();
   *     const response = await view(context, request);
   *     response.headers.set("server-timing", `view;dur=${performance.now() - started}`);
   *     return response;
   *   };
   * }
   * timedView.options = ["timed"] as readonly string[];
   * const timing: AppExtension = {
   *   name: "timing",
   *   install(host) {
   *     host.addViewDeriver(timedView, { name: "timed_view", under: "http_cached_view" });
   *   },
   * };
   * const config = new Configurator();
   * config.addExtension(timing);
   * config.addRoute("hello", "/hello");
   * config.addView(async () => "hello", { routeName: "hello", renderer: "string", timed: true });
   * const app = await config.makeApp();
   * await app.close();
   * ```
   */
  addViewDeriver(deriver: ViewDeriver, options?: ViewDeriverOptions): void;
}

/**
 * The one interface of app extensions.
 *
 * @example An extension that counts requests through a tween it adds
 * ```ts
 * import { Configurator, type AppExtension, UtilityKey } from "@aio/pyramid";
 * const COUNTER = new UtilityKey<{ n: number }>("request counter");
 * const counting: AppExtension = {
 *   name: "counting",
 *   install(host) {
 *     const counter = { n: 0 };
 *     host.registry.registerUtility(COUNTER, counter);
 *     host.onClose(() => console.log(`served ${counter.n} requests`));
 *   },
 * };
 * const config = new Configurator();
 * config.addExtension(counting);
 * const app = await config.makeApp();
 * await app.close();
 * ```
 */
export interface AppExtension {
  /** Unique name, used by other extensions' `over`/`under`. */
  readonly name: string;
  /** Install before these extensions (and close after them). */
  readonly over?: string | string[];
  /** Install after these extensions (and close before them). */
  readonly under?: string | string[];
  /** Installs the extension into an app being made; may be async. */
  install(host: ExtensionHost): void | Promise<void>;
}
