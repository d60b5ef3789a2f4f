// The files of each scaffold's template tree. A list rather than a directory walk, because
// from JSR the templates are fetched over https, where a directory cannot be listed;
// tests/scaffold/generate_test.ts checks it against the tree.

/**
 * Each scaffold's files, relative to the project (and to `scaffold/<name>/`). A TypeScript
 * file is stored as `<file>.tmpl` (see {@linkcode templatePath}).
 */
export const SCAFFOLD_FILES: Readonly<Record<string, readonly string[]>> = {
  aio_starter: [
    "README.md",
    "app.ts",
    "development.ini",
    "production.ini",
    "templates/home.jinja2",
    "tests/app_test.ts",
    "tests/views_test.ts",
    "views.ts",
  ],
  aio_websocket: [
    "README.md",
    "app.ts",
    "development.ini",
    "production.ini",
    "templates/home.jinja2",
    "tests/app_test.ts",
    "tests/views_test.ts",
    "views.ts",
  ],
};

/**
 * Where a project file's template lives under `scaffold/<name>/`. TypeScript templates end
 * in `.tmpl`: `deno publish` rewrites the import specifiers of every `.ts` file it
 * publishes (`"@aio/pyramid"` would become a path inside the package), and these must
 * reach the generated project unchanged. The generated projects' own `deno task check`
 * (run by tests/scaffold) type-checks and lints them.
 */
export function templatePath(file: string): string {
  return file.endsWith(".ts") ? `${file}.tmpl` : file;
}
