/**
 * The scaffold command: `deno run -A jsr:@aio/pyramid/scaffold <scaffold> <path>` (or, from
 * a checkout, `deno run -A scaffold/cli.ts …`) writes a new project and prints the next
 * two commands.
 *
 * @example Making aiopyramid's tutorial app
 * ```sh
 * deno run -A jsr:@aio/pyramid/scaffold aio_websocket aiotutorial
 * ```
 *
 * @module
 */

import { generate, ScaffoldError, SCAFFOLDS } from "./generate.ts";

const USAGE = `Usage: deno run -A jsr:@aio/pyramid/scaffold <scaffold> <path> [--framework DIR]
       deno run -A jsr:@aio/pyramid/scaffold --list

Writes a new project into <path> (created if missing; refused unless empty).
The project name is the path's last segment: letters, digits and '-'.

Options:
  --framework DIR  import @aio/pyramid from the checkout in DIR instead of JSR
  --list           print the scaffolds
  -h, --help       show this help`;

/** Where {@linkcode main} writes: defaults to the console. */
export interface CliOutput {
  /** Prints a line of normal output. */
  log(line: string): void;
  /** Prints a line about an error. */
  error(line: string): void;
}

function shellQuote(path: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs the command with `args` and returns its exit code: 0 on success, 1 when the
 * generator refuses (bad name, non-empty target), 2 for a usage error.
 *
 * @example Listing the scaffolds
 * ```ts
 * import { main } from "@aio/pyramid/scaffold";
 * const code = await main(["--list"]);
 * console.assert(code === 0);
 * ```
 */
export async function main(args: string[], output: CliOutput = console): Promise<number> {
  const positional: string[] = [];
  let framework: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-h" || arg === "--help") {
      output.log(USAGE);
      return 0;
    } else if (arg === "--list") {
      for (const [name, what] of Object.entries(SCAFFOLDS)) {
        output.log(`${name.padEnd(14)} ${what}`);
      }
      return 0;
    } else if (arg === "--framework" || arg.startsWith("--framework=")) {
      framework = arg === "--framework" ? args[++i] : arg.slice("--framework=".length);
      if (!framework) {
        output.error("error: --framework needs the directory of an @aio/pyramid checkout.");
        return 2;
      }
    } else if (arg.startsWith("-") && arg !== "-") {
      output.error(`error: unknown option ${arg}\n\n${USAGE}`);
      return 2;
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 2) {
    output.error(
      `error: expected a scaffold and a path, got ${positional.length} argument${
        positional.length === 1 ? "" : "s"
      }.\n\n${USAGE}`,
    );
    return 2;
  }
  const [scaffold, path] = positional;
  try {
    const project = await generate(scaffold, path, { framework });
    output.log(
      `Created the ${scaffold} project "${project.name}" in ${project.directory} ` +
        `(${project.files.length} files). Next:`,
    );
    output.log("");
    output.log(`  cd ${shellQuote(path)}`);
    output.log("  deno task test && deno task serve development.ini");
    output.log("");
    output.log("then open http://127.0.0.1:6543 (see README.md there for more).");
    return 0;
  } catch (error) {
    if (error instanceof ScaffoldError) {
      output.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
