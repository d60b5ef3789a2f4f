// callView(): one view, called through a real (small) app, so a blocking view runs in a real
// executor worker with the dummy request's params, matchdict, headers, body and context.
import { Configurator } from "../standard.ts";
import type { CoreConfigurator } from "../config/configurator.ts";
import { EXCVIEW, type Handler } from "../config/tweens.ts";
import type { PyramidRequest } from "../request/request.ts";
import type { ViewMapperClass } from "../views/mapper.ts";
import type { ViewCallable } from "../views/view_types.ts";
import { DummyRequest } from "./dummy_request.ts";

/** Options for {@linkcode callView}. */
export interface CallViewOptions {
  /**
   * The configurator whose settings, routes (for `routeUrl`/`routePath`), root factory,
   * request methods and default view mapper the view sees; usually a
   * {@linkcode testConfig}. Only read: it stays usable for more calls or `makeApp()`.
   */
  config?: CoreConfigurator;
  /** The view mapper for this view (default: the config's, `CoroutineOrExecutorMapper`). */
  mapper?: ViewMapperClass;
  /** The method of a class view to call (default `call`). */
  attr?: string;
}

const CAPTURE = "aio.testing.capture";
const ROUTE = "aio.testing.view";

/** What the call produced, seen from the tween and the renderer. */
interface Outcome {
  value?: { value: unknown };
  error?: { error: unknown };
}

/**
 * Calls one view the way the app would — a plain-function view runs in a real executor
 * worker, an `async function` on the event loop — and resolves with what the view returned
 * (the value its renderer would get, or its `Response`). A thrown error, HTTP exceptions
 * included, rejects with that error. The view sees `request`'s method, URL, headers, body,
 * `matchdict` and `context`, and the config's settings and routes, so `routeUrl` works.
 *
 * Each call builds a small app with one worker (unless the settings say otherwise) and
 * closes it before resolving, so Deno's sanitizers stay quiet. Like `config.addView`, the
 * view must be one a worker can import: an export of a module the calling test module
 * imports, a top-level `viewConfig()`, or a `"./views.ts#name"` string.
 *
 * @example A blocking view that reads the matchdict and builds a URL
 * ```ts
 * import { callView, DummyRequest, testConfig } from "@aio/pyramid/testing";
 * import type { PyramidRequest } from "@aio/pyramid";
 *
 * export function report(request: PyramidRequest) {
 *   return { id: request.matchdict.id, self: request.routePath("report", { parts: request.matchdict }) };
 * }
 *
 * const config = testConfig({ routes: { report: "/reports/{id}" } });
 * const info = await callView(report, new DummyRequest({ matchdict: { id: "7" } }), { config });
 * console.assert(info.self === "/reports/7");
 * ```
 */
export async function callView<R = unknown>(
  // deno-lint-ignore no-explicit-any
  view: ((...args: any[]) => R) | (abstract new (...args: any[]) => unknown) | string,
  request: PyramidRequest = new DummyRequest(),
  options: CallViewOptions = {},
): Promise<Awaited<R>> {
  const source = options.config;
  const settings: Record<string, unknown> = { ...(source?.settings ?? {}) };
  // One worker is plenty for one call, and starts faster than one per core.
  if (!("aio.executor.max_workers" in settings)) settings["aio.executor.max_workers"] = "1";
  const config = new Configurator({ settings });
  const outcome: Outcome = {};
  const context = request.context;
  const matchdict = { ...request.matchdict };
  const registry = source?.registry;

  // The only route that matches: every request of this app goes to the view, with the
  // dummy request's matchdict (set by the predicate, after matching) and context.
  config.addRoute(ROUTE, "/{aio_testing_path:.*}", {
    custom: [function dummyMatchdict(_context: unknown, routed: unknown) {
      (routed as PyramidRequest).matchdict = matchdict;
      return true;
    }],
    factory: function dummyContext(routed: PyramidRequest) {
      return context !== undefined ? context : registry?.rootFactory?.(routed);
    },
  });
  // The config's routes generate URLs but never match (`static`).
  for (const route of registry?.routesByName.values() ?? []) {
    if (route.name === ROUTE) continue;
    config.addRoute(route.name, route.compiled.pattern, { static: true });
  }
  for (const method of registry?.requestMethods ?? []) {
    config.addRequestMethod(method.fn, method.name, {
      reify: method.reify,
      property: method.property,
    });
  }
  if (registry?.defaultMapper) config.setViewMapper(registry.defaultMapper);

  config.addRenderer(CAPTURE, () => ({
    contentType: "application/x-aio-testing",
    render(value) {
      outcome.value = { value };
      return "";
    },
  }));
  // Below excview, so the view's own error reaches the caller instead of an error page.
  config.addTween(function captureError(handler: Handler): Handler {
    return async function captureErrorTween(routed) {
      try {
        return await handler(routed);
      } catch (error) {
        outcome.error = { error };
        return new Response(null, { status: 500 });
      }
    };
  }, { under: EXCVIEW });
  config.addView(view as ViewCallable, {
    routeName: ROUTE,
    renderer: CAPTURE,
    mapper: options.mapper,
    attr: options.attr,
  });

  const app = await config.makeApp();
  try {
    await app.ready();
    const raw = request.raw;
    const hasBody = raw.method !== "GET" && raw.method !== "HEAD" && request.body.byteLength > 0;
    const response = await app.fetch(
      new Request(raw.url, {
        method: raw.method,
        headers: raw.headers,
        body: hasBody ? request.body : undefined,
      }),
    );
    if (outcome.error) throw outcome.error.error;
    if (outcome.value) {
      await response.body?.cancel();
      return outcome.value.value as Awaited<R>;
    }
    return response as Awaited<R>;
  } finally {
    await app.close();
  }
}
