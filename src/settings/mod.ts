/**
 * Settings: the PasteDeploy / Python `configparser` INI dialect that
 * `development.ini` is written in, and loading the app an ini file describes.
 *
 * `parseIni()` reads the dialect exactly as Python's `configparser` does
 * (checked by differential tests against it); `loadAppConfig()` resolves
 * `[app:main]` and `[server:main]`; `loadApp()` imports `use = ./app.ts#main`
 * and calls `main(settings)`. Every problem is an `IniError` naming the file,
 * line and key.
 *
 * @example Reading a development.ini
 * ```ts
 * import { parseIni } from "@aio/pyramid/settings";
 * const ini = parseIni("[app:main]\nuse = ./app.ts#main\naio.debug = true\n", {
 *   filename: "development.ini",
 * });
 * console.assert(ini.get("app:main", "aio.debug") === "true");
 * ```
 *
 * @module
 */

export { ConfigurationError } from "../errors.ts";
export {
  DEFAULT_SECTION,
  IniDocument,
  IniError,
  type IniErrorLocation,
  type IniOption,
  type IniReadOptions,
  parseIni,
  type ParseIniOptions,
} from "./ini.ts";
export {
  type AppConfig,
  type AppFactory,
  type AppSection,
  type AppSettings,
  loadApp,
  loadAppConfig,
  resolveAppFactory,
  type ServableApp,
  type ServerSection,
} from "./load.ts";
