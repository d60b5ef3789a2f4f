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

import { ConfigurationError } from "./errors.ts";
import type { Registry } from "./config/registry.ts";
import { orderByHints } from "./config/ordering.ts";

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

/** Orders extensions for installation (first installed first). */
export function orderExtensions(extensions: readonly AppExtension[]): AppExtension[] {
  const byName = new Map<string, AppExtension>();
  for (const extension of extensions) {
    const existing = byName.get(extension.name);
    if (existing !== undefined && existing !== extension) {
      throw new ConfigurationError(
        `Two different app extensions are named '${extension.name}'. Give one another name.`,
      );
    }
    byName.set(extension.name, extension);
  }
  const unique = [...byName.values()];
  const known = new Set(byName.keys());
  const hint = (value: string | string[] | undefined) => {
    if (value === undefined) return undefined;
    // Hints naming extensions this app does not use are ignored, not errors.
    const names = (Array.isArray(value) ? value : [value]).filter((n) => known.has(n));
    return names.length ? names : undefined;
  };
  const order = orderByHints(
    unique.map((e) => ({ name: e.name, over: hint(e.over), under: hint(e.under) })),
    { first: "__first__", last: "__last__", what: "app extension" },
  );
  return order.filter((n) => byName.has(n)).map((n) => byName.get(n)!);
}
