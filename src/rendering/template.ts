/**
 * Template rendering with nunjucks (Jinja2 syntax, so `.jinja2` templates from Pyramid
 * apps port unchanged). The template path is resolved against the module that registered
 * the view; `{% extends %}` and `{% include %}` look in the template's own directory.
 *
 * @module
 */

import type nunjucks from "nunjucks";
import { fromFileUrl } from "./_path.ts";
import { ConfigurationError } from "../errors.ts";
import type { Renderer, RendererInfo } from "./renderer.ts";

// nunjucks is loaded on the first template render, so apps (and executor workers) that
// render no templates never load it. The specifier is a variable on purpose: Deno fetches
// every statically analysable `import("…")` when the program starts, used or not. It is a
// full `npm:` specifier (the same range as deno.json's "nunjucks") so it also resolves
// from the published package, where this repository's import map does not apply.
const NUNJUCKS = "npm:nunjucks@^3";
let loading: Promise<typeof nunjucks> | undefined;

function loadNunjucks(): Promise<typeof nunjucks> {
  loading ??= import(NUNJUCKS).then((module) => module.default as typeof nunjucks);
  return loading;
}

const environments = new Map<string, nunjucks.Environment>();

async function environmentFor(directory: string, reload: boolean): Promise<nunjucks.Environment> {
  const key = `${directory}\0${reload}`;
  let env = environments.get(key);
  if (!env) {
    const { Environment, FileSystemLoader } = await loadNunjucks();
    env = environments.get(key) ?? new Environment(
      new FileSystemLoader(directory, { noCache: reload }),
      { autoescape: true, throwOnUndefined: false },
    );
    environments.set(key, env);
  }
  return env;
}

/**
 * Makes a nunjucks renderer for a template path. The view must return an object; it is
 * rendered with `request`, `context` and `renderer_name` added.
 */
export function templateRendererFactory(info: RendererInfo): Renderer {
  const url = new URL(info.name, info.baseUrl);
  if (url.protocol !== "file:") {
    throw new ConfigurationError(
      `Template '${info.name}' resolved to ${url.href}; templates must be local files.`,
    );
  }
  const file = fromFileUrl(url);
  try {
    Deno.statSync(file);
  } catch {
    throw new ConfigurationError(
      `Template '${info.name}' was not found at ${file} (resolved against ${info.baseUrl}). ` +
        "Template paths are relative to the module that registers the view.",
    );
  }
  const slash = file.lastIndexOf("/");
  const directory = file.slice(0, slash);
  const name = file.slice(slash + 1);
  const reload = info.registry.aio.reloadTemplates;
  return {
    contentType: "text/html; charset=utf-8",
    async render(value, system) {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new TypeError(
          `The view rendered with template '${info.name}' must return an object of template variables, not ${
            Array.isArray(value) ? "an array" : typeof value
          }.`,
        );
      }
      const env = await environmentFor(directory, reload);
      return env.render(name, {
        ...value,
        request: system.request,
        context: system.context,
        renderer_name: system.rendererName,
      });
    },
  };
}
