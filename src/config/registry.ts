/**
 * The registry: everything a Configurator collected, read by the router at request time.
 * One object per application; `request.registry` and tween factories receive it.
 *
 * @module
 */

import type { CallSite } from "../_callsite.ts";
import type { AppContext, UtilityKey } from "../app_context.ts";
import type { CompiledPattern } from "../routing/pattern.ts";
import type { AioSettings, Settings } from "./settings.ts";
import type { PyramidRequest } from "../request/request.ts";
import type { ViewMapperClass } from "../views/mapper.ts";
import type { RendererFactory } from "../rendering/renderer.ts";
import type { Predicate } from "../views/predicates.ts";
import type { TweenFactory, TweenOptions } from "./tweens.ts";
import type { ViewDeriverRegistration } from "./view_derivers.ts";
import type { AppExtension } from "../extension.ts";
import type { SecurityPolicy } from "../security/security_policy.ts";
import type { AuthenticationPolicy } from "../security/callback_policy.ts";
import type { AuthorizationPolicy } from "../security/acl.ts";
import type { SessionFactory } from "../session/mod.ts";
import type { CsrfOptions, CSRFStoragePolicy } from "../csrf/mod.ts";

/** Builds the root resource for a request (Pyramid's root factory). */
export type RootFactory = (request: PyramidRequest) => unknown | Promise<unknown>;

/** A registered route. */
export interface Route {
  /** Unique route name (with any include name prefix). */
  name: string;
  /** The compiled pattern (with any include route prefix). */
  compiled: CompiledPattern;
  /** Root factory for requests matched by this route. */
  factory: RootFactory | undefined;
  /** Route predicates; a failing one lets the next route try. */
  predicates: Predicate[];
  /** Whether this route is only for generating URLs (`static: true`). */
  static: boolean;
  /** Where the route was added. */
  site: CallSite | undefined;
}

/** The options a view was registered with, after defaults. */
export interface ViewRegistration {
  /** The view: a function, a class, or a resolved module export. */
  view: unknown;
  /** Human-readable name for error messages. */
  label: string;
  /** Route the view belongs to, or undefined for traversal (and exception) views. */
  routeName: string | undefined;
  /** Context class (or interface predicate) the view is registered for. */
  context: unknown;
  /** View name (traversal). */
  name: string;
  /** Renderer name, if any. */
  renderer: string | undefined;
  /** Permission required to call the view. */
  permission: string | undefined;
  /** Mapper class chosen for this view (falls back to the configurator's default). */
  mapper: ViewMapperClass | undefined;
  /** Method name for class views. */
  attr: string | undefined;
  /** View predicates. */
  predicates: Predicate[];
  /** Where the view was registered (or the `viewConfig()` call site). */
  site: CallSite | undefined;
  /** Module URL that relative renderer paths and module strings resolve against. */
  baseUrl: string;
  /** Module URL and export name, when known (scan or `"./mod.ts#name"`). */
  ref: { moduleUrl: string; exportName: string } | undefined;
  /** Whether this is an exception view. */
  exception: boolean;
  /** Registration order, for stable sorting. */
  order: number;
  /** Every option the view was registered with (view derivers read theirs here). */
  options: Readonly<Record<string, unknown>>;
  /** Option names that are neither predicates nor built-in: checked against derivers at makeApp(). */
  deriverOptions: string[];
  /** The view predicate names known when it was registered (for error messages). */
  predicateNames: string[];
}

/** A tween as registered. */
export interface TweenRegistration {
  /** Unique name used by `over`/`under` hints. */
  name: string;
  /** The factory. */
  factory: TweenFactory;
  /** Ordering hints. */
  options: TweenOptions;
  /** Where it was added. */
  site: CallSite | undefined;
}

/** An event class: any constructor. */
// deno-lint-ignore no-explicit-any
export type EventClass = abstract new (...args: any[]) => unknown;

/** A subscriber, called with the event; may be async. */
export type Subscriber = (event: never) => unknown | Promise<unknown>;

/** Turns an error into another (typically an `HTTPException`), or returns it unchanged. */
export type ErrorTranslator = (error: unknown, request: PyramidRequest) => unknown;

/** A request method or property added with `addRequestMethod`. */
export interface RequestMethodRegistration {
  /** Property name on the request. */
  name: string;
  /** The callable; receives the request as `this` and as its first argument. */
  fn: (request: PyramidRequest, ...args: never[]) => unknown;
  /** Computed once per request and cached. */
  reify: boolean;
  /** A getter (computed on every access) rather than a method. */
  property: boolean;
}

/** A static view as registered. */
export interface StaticViewRegistration {
  /** URL prefix (no slashes around it), or an absolute URL for external assets. */
  name: string;
  /** Absolute directory path served. */
  root: string;
  /** Route name used for URL generation. */
  routeName: string;
  /** Cache-Control max-age in seconds. */
  cacheMaxAge: number | undefined;
}

/** Executor configuration (`aio.executor.*` settings or `config.setExecutor`). */
export interface ExecutorSettings {
  /** Worker count. */
  maxWorkers: number;
  /** Per-call timeout in milliseconds. */
  timeoutMs: number;
  /** Queue bound; beyond it calls are refused with 503. */
  maxQueue: number;
}

/**
 * The application registry. Configurator methods fill it; `makeApp()` freezes it into
 * the structures the router reads.
 *
 * @example Reading settings from the registry in a tween
 * ```ts
 * import { Configurator, type Registry } from "@aio/pyramid";
 * const config = new Configurator({ settings: { "app.greeting": "hi" } });
 * const registry: Registry = config.registry;
 * console.assert(registry.settings["app.greeting"] === "hi");
 * ```
 */
export class Registry implements AppContext {
  /** Frozen application settings. */
  settings: Settings;
  /** The framework's own settings, parsed from `aio.*` keys. */
  aio: AioSettings;
  /** Routes in the order they were added (the order they are tried). */
  routes: Route[] = [];
  /** Routes by name. */
  routesByName: Map<string, Route> = new Map();
  /** Views and exception views in registration order. */
  views: ViewRegistration[] = [];
  /**
   * Functions the excview step runs on every error before looking up an exception view:
   * an extension turns its own errors into HTTP exceptions here (the executor's into
   * 503/504), without a tween of its own on every request.
   */
  errorTranslators: ErrorTranslator[] = [];
  /** Custom view derivers in registration order (sorted at `makeApp`). */
  viewDerivers: ViewDeriverRegistration[] = [];
  /** App extensions added with `config.addExtension()`. */
  extensions: AppExtension[] = [];
  /** Tweens in registration order (sorted at `makeApp`). */
  tweens: TweenRegistration[] = [];
  /** Renderer factories by name or by file extension (`.jinja2`). */
  renderers: Map<string, RendererFactory> = new Map();
  /** Subscribers per event class. */
  subscribers: Map<EventClass, Subscriber[]> = new Map();
  /** Request methods and properties. */
  requestMethods: RequestMethodRegistration[] = [];
  /** Static views. */
  staticViews: StaticViewRegistration[] = [];
  /** The default root factory. */
  rootFactory: RootFactory | undefined;
  /** The default view mapper. */
  defaultMapper: ViewMapperClass | undefined;
  /** Executor settings. */
  executor: ExecutorSettings;
  /** Module URLs the configurator has seen (scanned, included, caller modules). */
  knownModules: Set<string> = new Set();
  /** The security policy: set directly, or made from an authentication + authorization pair. */
  securityPolicy: SecurityPolicy | undefined;
  /** The Pyramid 1 authentication policy, when one was set. */
  authenticationPolicy: AuthenticationPolicy | undefined;
  /** The Pyramid 1 authorization policy, when one was set. */
  authorizationPolicy: AuthorizationPolicy | undefined;
  /** The permission views registered without one require (`config.setDefaultPermission`). */
  defaultPermission: string | undefined;
  /** Makes `request.session` (`config.setSessionFactory`). */
  sessionFactory: SessionFactory | undefined;
  /** CSRF defaults (`config.setDefaultCsrfOptions`). */
  csrfOptions: CsrfOptions | undefined;
  /** Where CSRF tokens live (`config.setCsrfStoragePolicy`); the session's token otherwise. */
  csrfStoragePolicy: CSRFStoragePolicy | undefined;
  #utilities = new Map<UtilityKey<unknown>, unknown>();

  /** Creates a registry over frozen settings. */
  constructor(settings: Settings, aio: AioSettings) {
    this.settings = settings;
    this.aio = aio;
    this.executor = { ...aio.executor };
  }

  /** Registers `value` as the service named by `key` (Pyramid's `registerUtility`). */
  registerUtility<T>(key: UtilityKey<T>, value: T): void {
    this.#utilities.set(key, value);
  }

  /** The service registered under `key`, or `undefined` (Pyramid's `queryUtility`). */
  queryUtility<T>(key: UtilityKey<T>): T | undefined {
    return this.#utilities.get(key) as T | undefined;
  }

  /** Whether anything subscribed to `event`. */
  hasSubscribers(event: EventClass): boolean {
    return (this.subscribers.get(event)?.length ?? 0) > 0;
  }

  /** Calls every subscriber of the event's class, in order, awaiting each. */
  async notify(event: object): Promise<void> {
    const list = this.subscribers.get(event.constructor as EventClass);
    if (!list) return;
    for (const subscriber of list) await subscriber(event as never);
  }
}
