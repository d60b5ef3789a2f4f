/**
 * Reading a PasteDeploy-style `development.ini` into what `deno task serve`
 * needs: the module and export that build the app, the app's settings, and the
 * `[server:main]` settings.
 *
 * @module
 */

import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type IniDocument, IniError, parseIni } from "./ini.ts";

/**
 * What `main(settings)` must return: a `Deno.serve` handler with a `close()`.
 * The framework's `App` (from `await config.makeApp()`) is one; so is any object
 * with these two methods.
 *
 * @example The smallest servable app
 * ```ts
 * import type { ServableApp } from "@aio/pyramid/settings";
 * export function main(): ServableApp {
 *   return { fetch: () => new Response("hello"), close: () => Promise.resolve() };
 * }
 * ```
 */
export interface ServableApp {
  /** Answers one request; used directly as the `Deno.serve` handler. */
  fetch(request: Request, info: Deno.ServeHandlerInfo): Response | Promise<Response>;
  /** Releases what the app holds (workers, sockets); called once, after the server stops. */
  close(): Promise<void>;
  /** Resolves once the app can take work without start-up delay; awaited before listening. */
  ready?(): Promise<void>;
}

/**
 * The settings passed to `main`: every key written in `[app:main]` except `use`, interpolated.
 *
 * @example Reading a setting in main
 * ```ts
 * import type { AppSettings } from "@aio/pyramid/settings";
 * export function debugEnabled(settings: AppSettings): boolean {
 *   return settings["aio.debug"] === "true";
 * }
 * ```
 */
export type AppSettings = Record<string, string>;

/**
 * The function named by `use = ./app.ts#main`. It receives the app settings and,
 * as PasteDeploy's `global_config`, the interpolated `[DEFAULT]` values
 * (including `here` and `__file__`). It may be async.
 *
 * @example An app module for `use = ./app.ts#main`
 * ```ts
 * import type { AppFactory } from "@aio/pyramid/settings";
 * export const main: AppFactory = async (settings, globalConfig) => {
 *   await Promise.resolve();
 *   const body = `${settings.greeting ?? "hello"} from ${globalConfig.here}`;
 *   return { fetch: () => new Response(body), close: () => Promise.resolve() };
 * };
 * ```
 */
export type AppFactory = (
  settings: AppSettings,
  globalConfig: Record<string, string>,
) => ServableApp | Promise<ServableApp>;

/**
 * `[app:main]`, resolved.
 *
 * @example Where the app comes from
 * ```ts ignore
 * import { loadAppConfig } from "@aio/pyramid/settings";
 * const { app } = await loadAppConfig("development.ini");
 * console.log(`${app.moduleUrl}#${app.exportName}`, Object.keys(app.settings));
 * ```
 */
export interface AppSection {
  /** The `use =` value as written, e.g. `./app.ts#main`. */
  use: string;
  /** The URL of the module `use` names, resolved against the ini file's directory. */
  moduleUrl: string;
  /** The export after `#`; `main` when there is no `#`. */
  exportName: string;
  /** Line of the `use =` key (or of the section header when `use` is missing). */
  line: number;
  /** What `main` receives as its first argument. */
  settings: AppSettings;
  /** What `main` receives as its second argument: `[DEFAULT]`, `here` and `__file__`. */
  globalConfig: Record<string, string>;
}

/**
 * `[server:main]`, with defaults applied and numbers checked.
 *
 * @example Binding as the ini file says
 * ```ts ignore
 * import { loadAppConfig } from "@aio/pyramid/settings";
 * const { server } = await loadAppConfig("development.ini");
 * console.log(`${server.host}:${server.port} with ${server.workers} worker(s)`);
 * ```
 */
export interface ServerSection {
  /** `host`, default `127.0.0.1`. */
  host: string;
  /** `port`, default `6543`; `0` picks a free port. */
  port: number;
  /** `workers`: server isolates or processes sharing the port, default `1`. */
  workers: number;
  /**
   * `server_model`: `processes` (the default: a supervisor and `workers` server processes)
   * or `isolates` (one process; `workers` > 1 runs that many Worker isolates). With
   * `isolates` and `workers = 1` the app runs on the main isolate.
   */
  serverModel: "isolates" | "processes";
  /** `max_requests`: a server process is replaced after this many requests; `0` (default) never. */
  maxRequests: number;
  /** `max_requests_jitter`: up to this many more, at random per process, so they do not all restart together. */
  maxRequestsJitter: number;
  /** `access_log`: one line per request, default `true`. */
  accessLog: boolean;
  /** `grace_period_ms`: how long shutdown waits for in-flight requests, default `10000`. */
  gracePeriodMs: number;
  /** Every key of the section, interpolated, including ones this reader does not know. */
  options: Record<string, string>;
}

/**
 * Everything {@linkcode loadAppConfig} read from an ini file.
 *
 * @example Inspecting a loaded configuration
 * ```ts ignore
 * import { loadAppConfig } from "@aio/pyramid/settings";
 * const config = await loadAppConfig("development.ini");
 * console.log(config.file, config.document.sections());
 * ```
 */
export interface AppConfig {
  /** Absolute path of the ini file. */
  file: string;
  /** Directory of the ini file (PasteDeploy's `here`). */
  here: string;
  /** The parsed file, for sections this reader does not interpret. */
  document: IniDocument;
  /** `[app:main]`. */
  app: AppSection;
  /** `[server:main]` (defaults when the section is absent). */
  server: ServerSection;
}

const APP_SECTION = "app:main";
const SERVER_SECTION = "server:main";

/**
 * Reads `iniPath` (relative to the current directory), parses it as
 * PasteDeploy does, and resolves `[app:main]` and `[server:main]`. It does not
 * import the app: see {@linkcode loadApp}. Throws {@linkcode IniError} naming
 * the file, line and key for a missing file, bad syntax, bad interpolation, a
 * missing `[app:main]` or `use =`, or a `[server:main]` value that is not usable.
 *
 * @example Loading development.ini
 * ```ts ignore
 * import { loadAppConfig } from "@aio/pyramid/settings";
 * const config = await loadAppConfig("development.ini");
 * console.log(config.app.moduleUrl, config.app.exportName, config.server.port);
 * ```
 */
export async function loadAppConfig(iniPath: string | URL): Promise<AppConfig> {
  const file = iniPath instanceof URL ? fileURLToPath(iniPath) : resolve(iniPath);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    const problem = error instanceof Deno.errors.NotFound
      ? "the settings file does not exist. Pass the path of your .ini file, " +
        "e.g. `deno task serve development.ini`."
      : `the settings file cannot be read (${
        (error as Error).message
      }). Check the path and permissions.`;
    throw new IniError({ file }, problem, { cause: error });
  }
  const here = dirname(file);
  const document = parseIni(text, { filename: file, defaults: { here, __file__: file } });
  return {
    file,
    here,
    document,
    app: readApp(document, file, here),
    server: readServer(document, file),
  };
}

function readApp(document: IniDocument, file: string, here: string): AppSection {
  if (!document.hasSection(APP_SECTION)) {
    const found = document.sections().map((name) => `[${name}]`).join(", ") || "no sections";
    throw new IniError(
      { file, section: APP_SECTION, key: "use" },
      `there is no [app:main] section (found ${found}). ` +
        `Add one that names the module building your app: "[app:main]" then "use = ./app.ts#main".`,
    );
  }
  const useOption = document.ownOptions(APP_SECTION).find((option) => option.key === "use");
  if (useOption === undefined) {
    throw new IniError(
      { file, line: document.sectionLine(APP_SECTION), section: APP_SECTION, key: "use" },
      `[app:main] has no "use" key. Add "use = ./app.ts#main" (module relative to this file, ` +
        `then # and the exported function that builds the app).`,
    );
  }
  const use = document.get(APP_SECTION, "use")!.trim();
  const where = { file, line: useOption.line, section: APP_SECTION, key: "use" };
  if (use === "" || use.startsWith("#")) {
    throw new IniError(
      where,
      `"use" is empty. Write "use = ./app.ts#main": the module (relative to this file) ` +
        `and, after #, the exported function that builds the app.`,
    );
  }
  if (/^(egg|call|config):/.test(use)) {
    throw new IniError(
      where,
      `"${use}" is a Python PasteDeploy reference. Point "use" at a TypeScript module ` +
        `instead, e.g. "use = ./app.ts#main".`,
    );
  }
  const hash = use.lastIndexOf("#");
  const specifier = hash < 0 ? use : use.slice(0, hash);
  const exportName = hash < 0 ? "main" : use.slice(hash + 1).trim() || "main";
  // A scheme (npm:, jsr:, file:, https:) is used as is; anything else is a path from here.
  const hasScheme = /^[a-z][a-z0-9+.-]+:/i.test(specifier);
  const moduleUrl = hasScheme
    ? specifier
    : pathToFileURL(isAbsolute(specifier) ? specifier : resolve(here, specifier)).href;

  const settings: AppSettings = {};
  for (const option of document.ownOptions(APP_SECTION)) {
    if (option.key !== "use") settings[option.key] = document.get(APP_SECTION, option.key)!;
  }
  const globalConfig = Object.fromEntries(
    document.entries(APP_SECTION).filter(([key]) =>
      document.option(APP_SECTION, key) === document.option("DEFAULT", key)
    ),
  );
  return { use, moduleUrl, exportName, line: useOption.line, settings, globalConfig };
}

function readServer(document: IniDocument, file: string): ServerSection {
  const options = document.hasSection(SERVER_SECTION)
    ? Object.fromEntries(
      document.ownOptions(SERVER_SECTION).map((o) => [o.key, document.get(SERVER_SECTION, o.key)!]),
    )
    : {};
  const where = (key: string) => ({
    file,
    line: document.hasSection(SERVER_SECTION)
      ? document.option(SERVER_SECTION, key)?.line
      : undefined,
    section: SERVER_SECTION,
    key,
  });
  const integer = (key: string, fallback: number, min: number, max: number, hint: string) => {
    const text = options[key];
    if (text === undefined || text.trim() === "") return fallback;
    const value = Number(text.trim());
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new IniError(
        where(key),
        `"${text}" is not ${hint}. Write a whole number from ${min} to ${max}.`,
      );
    }
    return value;
  };
  let accessLog = true;
  const flag = options["access_log"]?.trim().toLowerCase();
  if (flag !== undefined && flag !== "") {
    if (["true", "yes", "on", "1"].includes(flag)) accessLog = true;
    else if (["false", "no", "off", "0"].includes(flag)) accessLog = false;
    else {
      throw new IniError(
        where("access_log"),
        `"${options["access_log"]}" is not a boolean. Write true or false.`,
      );
    }
  }
  const host = options["host"]?.trim() || "127.0.0.1";
  const workers = integer("workers", 1, 1, 1024, "a number of server isolates or processes");
  const model = options["server_model"]?.trim().toLowerCase() || undefined;
  if (model !== undefined && model !== "isolates" && model !== "processes") {
    throw new IniError(
      where("server_model"),
      `"${options["server_model"]}" is not a server model. Write processes (a supervisor ` +
        `restarting server processes) or isolates (Worker isolates in one process).`,
    );
  }
  return {
    host: host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host,
    port: integer("port", 6543, 0, 65535, "a TCP port"),
    workers,
    serverModel: model ?? "processes",
    maxRequests: integer("max_requests", 0, 0, 1_000_000_000, "a number of requests"),
    maxRequestsJitter: integer("max_requests_jitter", 0, 0, 1_000_000_000, "a number of requests"),
    accessLog,
    gracePeriodMs: integer("grace_period_ms", 10_000, 0, 3_600_000, "a duration in milliseconds"),
    options,
  };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return `an object without a fetch() method`;
  return typeof value === "function"
    ? "a function"
    : `${typeof value} ${String(value).slice(0, 40)}`;
}

/**
 * Imports the module named by `use =` and returns its app-building export.
 * Throws {@linkcode IniError} at the `use` line when the module is missing,
 * fails to load, or lacks the export, or the export is not a function.
 *
 * @example Checking `use =` before starting workers
 * ```ts ignore
 * import { loadAppConfig, resolveAppFactory } from "@aio/pyramid/settings";
 * const main = await resolveAppFactory(await loadAppConfig("development.ini"));
 * console.assert(typeof main === "function");
 * ```
 */
export async function resolveAppFactory(config: AppConfig): Promise<AppFactory> {
  const { app } = config;
  const where = { file: config.file, line: app.line, section: APP_SECTION, key: "use" };
  if (app.moduleUrl.startsWith("file:")) {
    const path = fileURLToPath(app.moduleUrl);
    try {
      await Deno.stat(path);
    } catch (error) {
      throw new IniError(
        where,
        `module ${path} (from "use = ${app.use}") does not exist. ` +
          `Fix the path: it is relative to ${config.here}.`,
        { cause: error },
      );
    }
  }
  let module: Record<string, unknown>;
  try {
    module = await import(app.moduleUrl);
  } catch (error) {
    throw new IniError(
      where,
      `module ${app.moduleUrl} (from "use = ${app.use}") failed to load: ` +
        `${
          (error as Error)?.message ?? error
        }. Fix the error in that module (run with --debug for the stack).`,
      { cause: error },
    );
  }
  const factory = module[app.exportName];
  if (factory === undefined) {
    const names = Object.keys(module).join(", ") || "nothing";
    throw new IniError(
      where,
      `module ${app.moduleUrl} has no export "${app.exportName}" (it exports ${names}). ` +
        `Export a function ${app.exportName}(settings) that returns the app, or name the right ` +
        `export after # in "use".`,
    );
  }
  if (typeof factory !== "function") {
    throw new IniError(
      where,
      `export "${app.exportName}" of ${app.moduleUrl} is ${describe(factory)}, not a function. ` +
        `Export a function ${app.exportName}(settings) that returns the app.`,
    );
  }
  return factory as AppFactory;
}

/**
 * Builds the app an ini file describes: imports the `use =` module, calls its
 * export with the app settings (awaiting it if async), checks that the result
 * can be served and awaits its `ready()` (executor workers started). Accepts a
 * path, a URL, or an {@linkcode AppConfig} already read.
 * Every failure is an {@linkcode IniError} naming the file, the `use` line and key.
 *
 * @example Building the app from development.ini
 * ```ts ignore
 * import { loadApp } from "@aio/pyramid/settings";
 * const { app, config } = await loadApp("development.ini");
 * const server = Deno.serve({ port: config.server.port }, app.fetch);
 * ```
 */
export async function loadApp(
  source: string | URL | AppConfig,
): Promise<{ app: ServableApp; config: AppConfig }> {
  const config = typeof source === "string" || source instanceof URL
    ? await loadAppConfig(source)
    : source;
  const factory = await resolveAppFactory(config);
  const { app: section } = config;
  const where = { file: config.file, line: section.line, section: APP_SECTION, key: "use" };
  let app: unknown;
  try {
    app = await factory({ ...section.settings }, { ...section.globalConfig });
  } catch (error) {
    throw new IniError(
      where,
      `${section.exportName}(settings) from ${section.moduleUrl} threw: ${
        (error as Error)?.message ?? error
      }. ` +
        `Fix the app's configuration (run with --debug for the stack).`,
      { cause: error },
    );
  }
  const candidate = app as Partial<ServableApp> | null;
  if (
    candidate === null || typeof candidate !== "object" || typeof candidate.fetch !== "function"
  ) {
    throw new IniError(
      where,
      `${section.exportName}(settings) from ${section.moduleUrl} returned ${
        describe(app)
      }, not an app. ` +
        `Return the app, e.g. "return await config.makeApp();" (an object with fetch(request) and close()).`,
    );
  }
  if (typeof candidate.close !== "function") {
    const fetch = candidate.fetch.bind(candidate);
    return { app: { fetch, close: () => Promise.resolve() }, config };
  }
  if (typeof candidate.ready === "function") {
    try {
      await candidate.ready();
    } catch (error) {
      await candidate.close();
      throw new IniError(
        where,
        `the app from ${section.moduleUrl} could not start: ${
          (error as Error)?.message ?? error
        }. Fix what it names (run with --debug for the stack).`,
        { cause: error },
      );
    }
  }
  return { app: candidate as ServableApp, config };
}
