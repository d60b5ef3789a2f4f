/**
 * `deno task bench [suite|all] [options]`: runs benchmark suites (never tests). Each suite
 * is a module exporting `description` and `run(args)`; adding one is one line in SUITES.
 * Options go to the named suite; `all` (the default) runs every suite with its defaults.
 *
 * @module
 */

/** What a suite module exports. */
interface Suite {
  /** One line for the help text. */
  description: string;
  /** Runs the suite with its own command-line options. */
  run(args: string[]): Promise<void>;
}

const SUITES: Record<string, () => Promise<Suite>> = {
  http: () => import("./http/mod.ts"),
  executor: () => import("./executor/mod.ts"),
  websocket: () => import("./websocket/mod.ts"),
  serve: () => import("./serve/mod.ts"),
  security: () => import("./security/mod.ts"),
  data: () => import("./data/mod.ts"),
  sessions: () => import("./sessions/mod.ts"),
};

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "-h" || first === "--help" || first === "help") {
    console.log("usage: deno task bench [all | SUITE [options]]\n\nSuites:");
    for (const [name, load] of Object.entries(SUITES)) {
      console.log(`  ${name.padEnd(12)} ${(await load()).description}`);
    }
    return 0;
  }
  const name = first ?? "all";
  if (name === "all" || name.startsWith("-")) {
    if (argv.length > (name === "all" ? 1 : 0)) {
      console.error(
        "Options go to one suite: `deno task bench SUITE --option …` (`all` takes none).",
      );
      return 2;
    }
    for (const [suite, load] of Object.entries(SUITES)) {
      console.log(`\n=== ${suite} ===`);
      await (await load()).run([]);
    }
    return 0;
  }
  const load = SUITES[name];
  if (!load) {
    console.error(
      `Unknown suite '${name}'. Choose one of: all, ${Object.keys(SUITES).join(", ")}.`,
    );
    return 2;
  }
  await (await load()).run(rest);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
