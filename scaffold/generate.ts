/**
 * `generate()`: writes a new project from one of the scaffolds, aiopyramid's `aio_starter`
 * and `aio_websocket`, with a `deno.json` whose tasks serve, develop, test and check it.
 *
 * @module
 */

import frameworkConfig from "../deno.json" with { type: "json" };
import { SCAFFOLD_FILES, templatePath } from "./_files.ts";

/** The scaffolds, by name, with what each one makes. */
export const SCAFFOLDS: Readonly<Record<string, string>> = {
  aio_starter: "hello world: a template page from an async view, a blocking view, tests",
  aio_websocket: "aiopyramid's tutorial: a page that talks to an echo websocket, tests",
};

/** The framework version a generated project asks JSR for (`^VERSION`). */
export const VERSION: string = frameworkConfig.version;

/** What the generator refuses: a bad scaffold or project name, a non-empty target. */
export class ScaffoldError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "ScaffoldError";
  }
}

/** Options for {@linkcode generate}. */
export interface GenerateOptions {
  /**
   * A local checkout of @aio/pyramid to import instead of `jsr:@aio/pyramid@^VERSION`
   * (for working on the framework itself, or where JSR is unreachable).
   */
  framework?: string;
}

/** What {@linkcode generate} wrote. */
export interface GeneratedProject {
  /** The project name: the target path's last segment. */
  name: string;
  /** The absolute path of the project directory. */
  directory: string;
  /** The files written, relative to `directory`, sorted. */
  files: string[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const PLACEHOLDER = /__PROJECT_NAME__/g;

function absolute(path: string): string {
  const joined = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  const parts: string[] = [];
  for (const part of joined.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** Checks a project name: letters, digits and `-`, starting with a letter or digit. */
export function checkProjectName(name: string): void {
  if (!NAME.test(name)) {
    throw new ScaffoldError(
      `The project name ${JSON.stringify(name)} (the last segment of the target path) may ` +
        "contain only ASCII letters, digits and '-', and must start with a letter or digit; " +
        "choose a path such as ./my-project.",
    );
  }
}

async function isEmptyOrMissing(directory: string): Promise<boolean> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(directory);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw error;
  }
  if (!info.isDirectory) return false;
  for await (const _ of Deno.readDir(directory)) return false;
  return true;
}

async function readTemplate(scaffold: string, file: string): Promise<string> {
  const url = new URL(`./${scaffold}/${templatePath(file)}`, import.meta.url);
  // fetch() reads file: URLs too, so this works from a checkout and from JSR alike.
  const response = await fetch(url);
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`Could not read the scaffold file ${url} (HTTP ${response.status}).`);
  }
  return await response.text();
}

async function localImports(framework: string): Promise<Record<string, string>> {
  const root = absolute(framework);
  let config: { name?: string; exports?: Record<string, string>; imports?: Record<string, string> };
  try {
    config = JSON.parse(await Deno.readTextFile(`${root}/deno.json`));
  } catch (error) {
    throw new ScaffoldError(
      `--framework ${framework}: cannot read ${root}/deno.json (${(error as Error).message}); ` +
        "give the directory of an @aio/pyramid checkout.",
    );
  }
  if (config.name !== "@aio/pyramid" || !config.exports) {
    throw new ScaffoldError(
      `--framework ${framework}: ${root}/deno.json is not @aio/pyramid's (name ${
        JSON.stringify(config.name)
      }); give the directory of an @aio/pyramid checkout.`,
    );
  }
  const imports: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(config.exports)) {
    const name = subpath === "." ? "@aio/pyramid" : `@aio/pyramid/${subpath.replace(/^\.\//, "")}`;
    imports[name] = new URL(target, `file://${root}/`).href;
  }
  // The framework's own dependencies, which its modules import by bare name.
  for (const [name, target] of Object.entries(config.imports ?? {})) {
    if (name === "@aio/pyramid" || name.startsWith("@aio/pyramid/")) continue;
    imports[name] = target.startsWith(".") ? new URL(target, `file://${root}/`).href : target;
  }
  return imports;
}

/** The generated project's deno.json. */
async function projectConfig(options: GenerateOptions): Promise<string> {
  const imports: Record<string, string> = options.framework === undefined
    ? { "@aio/pyramid": `jsr:@aio/pyramid@^${VERSION}` }
    : await localImports(options.framework);
  // The serve command by its full specifier: `deno run --watch` does not resolve a bare
  // main module through the import map.
  const serve = imports["@aio/pyramid/serve"] ?? `${imports["@aio/pyramid"]}/serve`;
  const config = {
    imports,
    tasks: {
      serve: `deno run -A ${serve}`,
      // Modules the app imports at run time are not in the watched graph: name them.
      dev:
        `deno run -A --watch=app.ts,views.ts,templates/,development.ini ${serve} development.ini`,
      test: "deno test -A tests/",
      check: "deno fmt --check && deno lint && deno check app.ts views.ts tests/",
    },
    fmt: { lineWidth: 100 },
    // `async` is what sends a view to the event loop, even one with nothing to await.
    lint: { rules: { exclude: ["require-await"] } },
    // `workers = N` in [server:main] shares the port between isolates (Deno's reusePort).
    unstable: ["net"],
  };
  return JSON.stringify(config, null, 2) + "\n";
}

/**
 * Writes the scaffold `scaffold` into `path` (created if missing; refused if not empty):
 * its template tree with the project name filled in, plus a `deno.json`. The project name
 * is the path's last segment. Nothing is written when anything is refused.
 *
 * @throws {ScaffoldError} for an unknown scaffold, a bad project name, a non-empty target
 * or a `framework` directory that is not an @aio/pyramid checkout.
 *
 * @example Generating a project in a temporary directory
 * ```ts
 * import { generate } from "@aio/pyramid/scaffold";
 * const parent = await Deno.makeTempDir();
 * const project = await generate("aio_starter", `${parent}/hello-app`);
 * console.assert(project.name === "hello-app" && project.files.includes("deno.json"));
 * await Deno.remove(parent, { recursive: true });
 * ```
 */
export async function generate(
  scaffold: string,
  path: string,
  options: GenerateOptions = {},
): Promise<GeneratedProject> {
  const files = SCAFFOLD_FILES[scaffold];
  if (!Object.hasOwn(SCAFFOLDS, scaffold) || files === undefined) {
    throw new ScaffoldError(
      `Unknown scaffold ${JSON.stringify(scaffold)}; choose one of ${
        Object.keys(SCAFFOLDS).join(", ")
      } (--list describes them).`,
    );
  }
  const directory = absolute(path);
  const name = directory.split("/").pop() ?? "";
  checkProjectName(name);
  if (!(await isEmptyOrMissing(directory))) {
    throw new ScaffoldError(
      `${directory} exists and is not an empty directory; nothing was written. ` +
        "Choose a new path, or empty that directory first.",
    );
  }
  // Everything is read (and the framework checked) before the first write.
  const contents = new Map<string, string>();
  contents.set("deno.json", await projectConfig(options));
  for (const file of files) {
    contents.set(file, (await readTemplate(scaffold, file)).replace(PLACEHOLDER, name));
  }
  for (const [file, text] of contents) {
    const target = `${directory}/${file}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(target, text, { createNew: true });
  }
  return { name, directory, files: [...contents.keys()].sort() };
}
