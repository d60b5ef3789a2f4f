/**
 * `@aio/pyramid`: Pyramid's programming model — configurator, URL dispatch, traversal,
 * views with predicates, renderers, tweens — as aiopyramid extended it for asyncio,
 * rebuilt on Hono and Deno. `async function` views run on the event loop; plain-function
 * views run in a pool of Web Workers so blocking code never stalls the server.
 *
 * @example A JSON view behind a route
 * ```ts
 * import { Configurator } from "@aio/pyramid";
 *
 * const config = new Configurator({ settings: { "aio.debug": "false" } });
 * config.addRoute("user", "/users/{id:\\d+}");
 * config.addView(async (request) => ({ id: Number(request.matchdict.id) }), {
 *   routeName: "user",
 *   renderer: "json",
 * });
 * const app = await config.makeApp();
 * const response = await app.fetch(new Request("http://localhost/users/42"));
 * console.assert((await response.json()).id === 42);
 * await app.close();
 * ```
 *
 * @module
 */

export { ConfigurationError, ScopeError } from "./src/errors.ts";
export * from "./src/httpexceptions.ts";
export { Configurator, type StaticViewOptions } from "./src/standard.ts";
export {
  type ConfiguratorOptions,
  CoreConfigurator,
  type IncludeOptions,
  type PredicateOptions,
  type RequestMethodOptions,
} from "./src/config/configurator.ts";
export {
  type ErrorTranslator,
  type EventClass,
  type ExecutorSettings,
  Registry,
  type RequestMethodRegistration,
  type RootFactory,
  type Route,
  type StaticViewRegistration,
  type Subscriber,
  type TweenRegistration,
  type ViewRegistration,
} from "./src/config/registry.ts";
export type { ViewDeriverRegistration } from "./src/config/view_derivers.ts";
export {
  type AppContext,
  currentAppContext,
  enterLiveApp,
  runInAppContext,
  UtilityKey,
} from "./src/app_context.ts";
export type { AppExtension, ExtensionHost } from "./src/extension.ts";
export {
  type DerivedView,
  VIEW,
  type ViewDeriver,
  type ViewDeriverInfo,
  type ViewDeriverOptions,
} from "./src/views/derivers.ts";
export type { CacheControlOptions } from "./src/views/builtin_derivers.ts";
export { executorExtension } from "./src/blocking/extension.ts";
export { brokerExtension } from "./src/broadcast/extension.ts";
export { asBool, asInt, asList, type Settings } from "./src/config/settings.ts";
export {
  AIO_SETTINGS,
  type AioBrokerSettings,
  type AioExecutorSettings,
  aioSetting,
  type AioSettings,
  type AioSettingSpec,
  type AioSettingType,
  type AioWebsocketSettings,
  parseAioSettings,
  type ParseAioSettingsOptions,
} from "./src/config/aio_settings.ts";
export { ApplicationCreated, NewRequest, NewResponse } from "./src/events.ts";
export type { RouteOptions } from "./src/config/routes.ts";
export type { ViewOptions } from "./src/config/views.ts";
export {
  EXCVIEW,
  type Handler,
  INGRESS,
  MAIN,
  type TweenFactory,
  type TweenOptions,
} from "./src/config/tweens.ts";
export { App, type Closer, type HonoApp } from "./src/router/app.ts";
export {
  type FinishedCallback,
  PyramidRequest,
  type RequestInfo,
  type ResponseCallback,
} from "./src/request/request.ts";
export type { UrlOptions } from "./src/request/_urls.ts";
export { type FormValue, MultiDict } from "./src/request/multidict.ts";
export { type CookieOptions, ResponseDraft } from "./src/request/response_draft.ts";
export type {
  RenderedBody,
  Renderer,
  RendererFactory,
  RendererInfo,
  RenderSettings,
  RenderSystem,
} from "./src/rendering/renderer.ts";
export {
  BLOCKING_VIEWS,
  type BlockingViewMapper,
  CoroutineMapper,
  CoroutineOrExecutorMapper,
  ExecutorMapper,
  type MappedView,
  type ViewMapper,
  type ViewMapperClass,
  type ViewMapperOptions,
} from "./src/views/mapper.ts";
export type { Predicate, PredicateFactory } from "./src/views/predicates.ts";
export { viewConfig } from "./src/views/view_config.ts";
export type {
  ContextView,
  MapperView,
  RequestView,
  ViewCallable,
  ViewClass,
  ViewReference,
} from "./src/views/view_types.ts";
export * from "./src/traversal/mod.ts";
export { type RunningServer, type ServableApp, serve, type ServeOptions } from "./src/serve/mod.ts";
export { serveStaticFile, type ServeStaticFileOptions } from "./src/static/mod.ts";
export * from "./src/websocket/mod.ts";
export {
  closeDefaultExecutor,
  EXECUTOR,
  Executor,
  type ExecutorCall,
  ExecutorError,
  type ExecutorErrorOptions,
  type ExecutorOptions,
  ExecutorOverloaded,
  type ExecutorStats,
  ExecutorTimeout,
  getCurrentExecutor,
  isAsync,
  type RunOptions,
  setCurrentExecutor,
  spawnBlocking,
  synchronize,
  type SynchronizeOptions,
  useExecutor,
  WorkerCrashed,
} from "./src/executor/mod.ts";
export type { CompiledPattern, ExternalOrigin } from "./src/routing/pattern.ts";
export type { QueryInput } from "./src/routing/quote.ts";
export type { CallableRef, ExportRef, SiteRef, Transport } from "./src/executor/mod.ts";
export type { CallSite } from "./src/_callsite.ts";
export * from "./src/broadcast/mod.ts";
export * from "./src/security/mod.ts";
export * from "./src/validation/mod.ts";
export * from "./src/streaming/mod.ts";
export type { AddOpenApiOptions } from "./src/config/openapi.ts";
export * from "./src/session/mod.ts";
export * from "./src/csrf/mod.ts";
