// The files of each scaffold's template tree. A list rather than a directory walk, because
// from JSR the templates are fetched over https, where a directory cannot be listed;
// tests/scaffold/generate_test.ts checks it against the tree.

/** Each scaffold's template files, relative to `scaffold/<name>/`. */
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
