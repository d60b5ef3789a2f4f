/**
 * Renderer registration and lookup: by exact name (`json`, `string`, names given to
 * `addRenderer`) or by file extension (`.jinja2`, `.njk`, `.html`, `.j2`).
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import {
  jsonRendererFactory,
  type Renderer,
  type RendererFactory,
  stringRendererFactory,
} from "../rendering/renderer.ts";
import { templateRendererFactory } from "../rendering/template.ts";
import type { Registry } from "./registry.ts";

/** Registers the built-in renderers. */
export function addBuiltinRenderers(registry: Registry): void {
  registry.renderers.set("json", jsonRendererFactory);
  registry.renderers.set("string", stringRendererFactory);
  for (const ext of [".jinja2", ".j2", ".njk", ".html"]) {
    registry.renderers.set(ext, templateRendererFactory);
  }
}

/** Adds (or replaces) a renderer factory under a name or an extension starting with `.`. */
export function addRenderer(registry: Registry, name: string, factory: RendererFactory): void {
  if (typeof name !== "string" || !name) {
    throw new ConfigurationError(
      "addRenderer() needs a name such as 'csv' or an extension such as '.mustache'.",
    );
  }
  if (typeof factory !== "function") {
    throw new ConfigurationError(
      `addRenderer('${name}', factory) needs a factory (info) => { contentType, render }.`,
    );
  }
  registry.renderers.set(name, factory);
}

/** Makes the renderer a view asked for; an unknown one is a ConfigurationError. */
export async function resolveRenderer(
  registry: Registry,
  name: string,
  baseUrl: string,
  where: string,
): Promise<Renderer> {
  let factory = registry.renderers.get(name);
  if (!factory) {
    const dot = name.lastIndexOf(".");
    if (dot > 0) factory = registry.renderers.get(name.slice(dot));
  }
  if (!factory) {
    const known = [...registry.renderers.keys()].join(", ");
    throw new ConfigurationError(
      `No renderer for '${name}' (view at ${where}). Known renderers and extensions: ${known}. ` +
        "Add one with config.addRenderer(name, factory).",
    );
  }
  const renderer = await factory({ name, baseUrl, registry });
  if (!renderer || typeof renderer.render !== "function") {
    throw new ConfigurationError(
      `The renderer factory for '${name}' must return { contentType, render(value, system) }.`,
    );
  }
  return renderer;
}
