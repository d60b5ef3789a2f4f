/**
 * Where user code called into the framework: the first stack frame outside this
 * framework's own `src/` folder and `mod.ts`. Used to resolve relative module strings
 * (`"./views.ts#home"`, `config.include("./api.ts")`, template paths) and to name
 * registration sites in configuration errors.
 *
 * @module
 */

const FRAMEWORK_ROOT = new URL("../", import.meta.url).href;
const FRAMEWORK_SRC = new URL("./", import.meta.url).href;
const FRAMEWORK_FACES = [
  `${FRAMEWORK_ROOT}mod.ts`,
  `${FRAMEWORK_ROOT}testing.ts`,
];

const FRAME = /((?:file|https?|data|jsr|npm):[^\s()]+?):(\d+):(\d+)\)?\s*$/;

/** A source location `url:line:column`, stable across isolates that load the module. */
export interface CallSite {
  /** Module URL. */
  url: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

function isFrameworkFile(url: string): boolean {
  return url.startsWith(FRAMEWORK_SRC) || FRAMEWORK_FACES.includes(url);
}

/** The first stack frame outside the framework, or undefined when there is none. */
export function callerSite(): CallSite | undefined {
  // Deep call chains (a tween inside a tween inside a test) push user frames past V8's default 10.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  for (const line of stack.split("\n")) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const url = match[1];
    if (isFrameworkFile(url)) continue;
    return { url, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

/** The module URL of the first frame outside the framework; falls back to the cwd. */
export function callerModule(): string {
  return callerSite()?.url ?? `file://${Deno.cwd()}/`;
}

/** Formats a site as `url:line:column` for error messages. */
export function formatSite(site: CallSite | undefined): string {
  return site ? `${site.url}:${site.line}:${site.column}` : "<unknown site>";
}
