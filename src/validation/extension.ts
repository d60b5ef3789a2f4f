// The validation app extension: adds the `schema` view deriver and, when some view has a JSON
// Schema, loads ajv before views are derived, so schemas compile (and fail) at makeApp().
import type { AppExtension } from "../extension.ts";
import { prepareJsonSchemas } from "./_json_schema.ts";
import { schemaDeriver } from "./deriver.ts";
import { needsJsonSchema } from "./request_schema.ts";

/** The deriver's name among view derivers (between `decorated_view` and `rendered_view`). */
export const SCHEMA_DERIVER = "schema_view";

/**
 * Validated requests for an app: the view option `schema` (part of the standard
 * `Configurator`; add it to a `CoreConfigurator` yourself).
 *
 * @example Adding it to a bare configurator
 * ```ts
 * import { CoreConfigurator, validationExtension } from "@aio/pyramid";
 * const config = new CoreConfigurator();
 * config.addExtension(validationExtension);
 * ```
 */
export const validationExtension: AppExtension = {
  name: "validation",
  async install(host) {
    const registry = host.registry;
    if (!registry.viewDerivers.some((d) => d.name === SCHEMA_DERIVER)) {
      host.addViewDeriver(schemaDeriver, { name: SCHEMA_DERIVER });
    }
    if (registry.views.some((view) => needsJsonSchema(view.options.schema))) {
      await prepareJsonSchemas(registry);
    }
  },
};
