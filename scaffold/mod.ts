/**
 * Scaffolds: `aio_starter` (hello world with a template, a blocking view beside an async
 * one, and tests) and `aio_websocket` (aiopyramid's tutorial app: a page that talks to an
 * echo websocket, and tests), as in aiopyramid's `pcreate -s aio_starter <project>`.
 *
 * Run as a command it writes a project and prints the next two commands:
 *
 * ```sh
 * deno run -A jsr:@aio/pyramid/scaffold aio_starter myproject
 * cd myproject
 * deno task test && deno task serve development.ini
 * ```
 *
 * `--list` prints the scaffolds; `--framework DIR` imports @aio/pyramid from a local
 * checkout instead of JSR. The generated `deno.json` has the tasks `serve` (takes the ini
 * file), `dev` (restarts on changes), `test` and `check`.
 *
 * @example Generating a project from code
 * ```ts
 * import { generate } from "@aio/pyramid/scaffold";
 * const parent = await Deno.makeTempDir();
 * const project = await generate("aio_websocket", `${parent}/aiotutorial`);
 * console.assert(project.files.includes("app.ts"));
 * await Deno.remove(parent, { recursive: true });
 * ```
 *
 * @module
 */

export {
  checkProjectName,
  generate,
  type GeneratedProject,
  type GenerateOptions,
  ScaffoldError,
  SCAFFOLDS,
  VERSION,
} from "./generate.ts";
export { type CliOutput, main } from "./cli.ts";

import { main } from "./cli.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
