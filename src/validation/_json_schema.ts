// JSON Schema (draft 2020-12, OpenAPI 3.1's dialect) through ajv, loaded on first use so an app
// without a JSON Schema never imports it. One compiler per registry: ajv caches schemas by `$id`,
// and two apps in one isolate must not see each other's.
import type { Registry } from "../config/registry.ts";
import { UtilityKey } from "../app_context.ts";

/** A compiled JSON Schema: `errors` set after a failed call, as ajv does. */
export interface CompiledJsonSchema {
  /** Validates (coercing and filling defaults in place); `errors` tells why not. */
  (data: unknown): boolean;
  /** The errors of the last failed call. */
  errors?: AjvError[] | null;
}

/** The part of an ajv error this module reads. */
export interface AjvError {
  /** JSON Pointer to the failing value. */
  instancePath: string;
  /** The failing keyword (`required`, `type`, …). */
  keyword: string;
  /** ajv's message. */
  message?: string;
  /** Keyword details (`missingProperty`, …). */
  params: Record<string, unknown>;
}

interface AjvInstance {
  compile(schema: unknown): CompiledJsonSchema;
}
type AjvClass = new (options: Record<string, unknown>) => AjvInstance;
type AddFormats = (ajv: AjvInstance) => unknown;

/** Two ajv instances: `strict` for bodies (JSON has types), `coercing` for strings from the URL. */
export interface JsonSchemaCompiler {
  /** Compiles a schema for a JSON or form body: types as sent, defaults filled in. */
  body(schema: unknown): CompiledJsonSchema;
  /** Compiles a schema for query, matchdict or headers: `"10"` coerces to 10, `"a"` to `["a"]`. */
  strings(schema: unknown): CompiledJsonSchema;
}

const KEY = new UtilityKey<JsonSchemaCompiler>("JSON Schema compiler (ajv)");

let loading: Promise<{ Ajv: AjvClass; addFormats: AddFormats }> | undefined;

// Variables, not literals: Deno downloads every statically analysable `import("…")` when a
// program starts, so literals would make every app fetch ajv. Full `npm:` specifiers (the
// ranges in deno.json) also resolve from the published package.
const AJV_2020 = "npm:ajv@^8/dist/2020.js";
const AJV_FORMATS = "npm:ajv-formats@^3";

function loadAjv(): Promise<{ Ajv: AjvClass; addFormats: AddFormats }> {
  return loading ??= (async () => {
    const [ajv, formats] = await Promise.all([
      import(AJV_2020),
      import(AJV_FORMATS),
    ]);
    return {
      Ajv: (ajv.default ?? ajv) as unknown as AjvClass,
      addFormats: (formats.default ?? formats) as unknown as AddFormats,
    };
  })();
}

function makeInstance(Ajv: AjvClass, addFormats: AddFormats, coerce: boolean): AjvInstance {
  // strict: false because OpenAPI schemas carry annotations (example, xml, …) ajv's strict
  // mode rejects; allErrors so a 422 names every failing field, not only the first.
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    useDefaults: true,
    coerceTypes: coerce ? "array" : false,
  });
  addFormats(ajv);
  return ajv;
}

/**
 * Loads ajv (once per process) and gives `registry` its compiler (once per app). `makeApp()`
 * awaits this when some view has a JSON Schema, so views compile synchronously afterwards.
 *
 * @example Compiling a schema by hand
 * ```ts
 * import { prepareJsonSchemas, Registry } from "@aio/pyramid";
 * import { DummyRequest } from "@aio/pyramid/testing";
 * const compiler = await prepareJsonSchemas(new DummyRequest().registry);
 * const check = compiler.strings({ type: "object", properties: { n: { type: "integer" } } });
 * const data = { n: "3" };
 * console.assert(check(data) && data.n as unknown === 3);
 * ```
 */
export async function prepareJsonSchemas(registry: Registry): Promise<JsonSchemaCompiler> {
  const existing = registry.queryUtility(KEY);
  if (existing) return existing;
  const { Ajv, addFormats } = await loadAjv();
  const strict = makeInstance(Ajv, addFormats, false);
  const coercing = makeInstance(Ajv, addFormats, true);
  const compiler: JsonSchemaCompiler = {
    body: (schema) => strict.compile(schema),
    strings: (schema) => coercing.compile(schema),
  };
  registry.registerUtility(KEY, compiler);
  return compiler;
}

/** The registry's compiler, if {@linkcode prepareJsonSchemas} ran. */
export function jsonSchemaCompiler(registry: Registry): JsonSchemaCompiler | undefined {
  return registry.queryUtility(KEY);
}
