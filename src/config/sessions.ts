/**
 * The configurator's session and CSRF concerns: `setSessionFactory`,
 * `setDefaultCsrfOptions` and `setCsrfStoragePolicy`, as functions of the registry
 * (the `Configurator` methods of the same names call them).
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import type { Registry } from "./registry.ts";
import type { SessionFactory } from "../session/mod.ts";
import type { CsrfOptions, CSRFStoragePolicy } from "../csrf/mod.ts";
import type { AppExtension } from "../extension.ts";

// Closes the factory in force when the app closes (a Redis store's connection).
const SESSIONS_EXTENSION: AppExtension = {
  name: "aio.sessions",
  install(host) {
    const registry = host.registry;
    host.onClose(() => registry.sessionFactory?.close?.());
  },
};

/**
 * Sets the session factory behind `request.session`; `app.close()` closes it (a Redis
 * store's connection).
 *
 * @example
 * ```ts
 * import { Configurator, SignedCookieSessionFactory } from "@aio/pyramid";
 * import { setSessionFactory } from "./sessions.ts";
 * const config = new Configurator();
 * setSessionFactory(config.registry, SignedCookieSessionFactory("a-long-random-secret"));
 * console.assert(config.registry.sessionFactory !== undefined);
 * ```
 */
export function setSessionFactory(registry: Registry, factory: SessionFactory): void {
  if (typeof factory !== "function") {
    throw new ConfigurationError(
      "setSessionFactory() takes a session factory such as " +
        "SignedCookieSessionFactory(secret), EncryptedCookieSessionFactory(key) or " +
        "RedisSessionFactory(url, { secret }).",
    );
  }
  registry.sessionFactory = factory;
  if (!registry.extensions.includes(SESSIONS_EXTENSION)) {
    registry.extensions.push(SESSIONS_EXTENSION);
  }
}

const OPTION_NAMES = new Set([
  "requireCsrf",
  "token",
  "header",
  "safeMethods",
  "checkOrigin",
  "allowNoOrigin",
  "callback",
  "trustedOrigins",
]);

/**
 * Sets the application's CSRF defaults (Pyramid's `set_default_csrf_options`): with
 * `requireCsrf` (default **true** here, as in Pyramid) every view checks unsafe requests
 * unless it says `requireCsrf: false`.
 *
 * @example
 * ```ts
 * import { Configurator } from "@aio/pyramid";
 * import { setDefaultCsrfOptions } from "./sessions.ts";
 * const config = new Configurator();
 * setDefaultCsrfOptions(config.registry, { requireCsrf: true, header: "X-CSRF-Token" });
 * console.assert(config.registry.csrfOptions?.requireCsrf === true);
 * ```
 */
export function setDefaultCsrfOptions(registry: Registry, options: CsrfOptions = {}): void {
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) {
      throw new ConfigurationError(
        `setDefaultCsrfOptions(): unknown option '${key}'; the options are ${
          [...OPTION_NAMES].join(", ")
        }.`,
      );
    }
  }
  if (options.callback != null && typeof options.callback !== "function") {
    throw new ConfigurationError("setDefaultCsrfOptions(): callback must be a function or null.");
  }
  if (options.safeMethods !== undefined && !Array.isArray(options.safeMethods)) {
    throw new ConfigurationError(
      'setDefaultCsrfOptions(): safeMethods must be an array such as ["GET", "HEAD"].',
    );
  }
  registry.csrfOptions = { requireCsrf: true, ...options };
}

/**
 * Sets where CSRF tokens are kept (default: the session's own token).
 *
 * @example Tokens in their own cookie
 * ```ts
 * import { Configurator, CookieCSRFStoragePolicy } from "@aio/pyramid";
 * import { setCsrfStoragePolicy } from "./sessions.ts";
 * const config = new Configurator();
 * setCsrfStoragePolicy(config.registry, new CookieCSRFStoragePolicy());
 * ```
 */
export function setCsrfStoragePolicy(registry: Registry, policy: CSRFStoragePolicy): void {
  if (
    !policy || typeof policy.getCsrfToken !== "function" ||
    typeof policy.newCsrfToken !== "function" || typeof policy.checkCsrfToken !== "function"
  ) {
    throw new ConfigurationError(
      "setCsrfStoragePolicy() takes a policy with newCsrfToken, getCsrfToken and " +
        "checkCsrfToken, such as new CookieCSRFStoragePolicy().",
    );
  }
  registry.csrfStoragePolicy = policy;
}
