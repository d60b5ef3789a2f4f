/**
 * `request.csrfToken`: the CSRF token as a plain string, for templates. On the main isolate
 * it is there once the session is loaded in this request (or always, with
 * `CookieCSRFStoragePolicy`); in a blocking view's worker it asks the main isolate.
 *
 * @module
 */

import { callService, inExecutorWorker, registerService } from "../executor/mod.ts";
import { loadedSession } from "../session/mod.ts";
import { csrfPolicy, type CsrfRequest, getCsrfToken } from "./check.ts";

const SERVICE = "aio.csrf.token";

if (!inExecutorWorker()) {
  registerService(SERVICE, async function csrfTokenService(_args, call) {
    const request = (call.context as { request?: CsrfRequest } | undefined)?.request;
    if (!request) {
      throw new Error("request.csrfToken is available only while a blocking view runs.");
    }
    return await getCsrfToken(request);
  });
}

/**
 * The `csrfToken` request member (a property): the CSRF token for templates and views,
 * as a plain string. On the main isolate it is there once the session is loaded in this
 * request (any `await request.session` or `await getCsrfToken(request)`), or always with
 * `CookieCSRFStoragePolicy`; in a blocking view it is always there.
 *
 * @example In a template
 * ```ts
 * // <input type="hidden" name="csrf_token" value="{{ request.csrfToken }}">
 * import { requestCsrfToken } from "@aio/pyramid";
 * console.assert(typeof requestCsrfToken === "function");
 * ```
 */
export function requestCsrfToken(request: CsrfRequest): string {
  if (inExecutorWorker()) return callService(SERVICE) as string;
  const token = csrfPolicy(request).peekCsrfToken?.(request);
  if (token !== undefined) return token;
  const loaded = loadedSession(request) !== undefined;
  throw new Error(
    loaded
      ? "This CSRF storage policy cannot give its token synchronously; use await getCsrfToken(request)."
      : "request.csrfToken needs the session loaded first: in the view, await request.session " +
        "(or await getCsrfToken(request)) before rendering, or pass the token to the template.",
  );
}
