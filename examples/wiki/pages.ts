/**
 * The wiki's pages: Markdown files in a directory (`wiki.data_dir`). Async views write them
 * on the event loop; the blocking page view reads them with plain synchronous file calls,
 * as legacy code would, from its executor worker.
 *
 * @module
 */

/** Page names are WikiWords (or `FrontPage`): letters and digits only, so never a path. */
export const PAGE_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/** The file a page lives in, or undefined for a name that is not a page name. */
export function pageFile(dataDir: string, name: string): string | undefined {
  return PAGE_NAME.test(name) ? `${dataDir}/${name}.md` : undefined;
}

/** Reads a page synchronously (blocking code), or undefined when there is none. */
export function readPageSync(dataDir: string, name: string): string | undefined {
  const file = pageFile(dataDir, name);
  if (!file) return undefined;
  try {
    return Deno.readTextFileSync(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Reads a page on the event loop, or undefined when there is none. */
export async function readPage(dataDir: string, name: string): Promise<string | undefined> {
  const file = pageFile(dataDir, name);
  if (!file) return undefined;
  try {
    return await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Writes a page (whole file, then renamed into place, so readers never see half). Line
 * ends are stored as `\n` (browsers submit a textarea's as `\r\n`).
 */
export async function writePage(dataDir: string, name: string, text: string): Promise<void> {
  const file = pageFile(dataDir, name);
  if (!file) throw new Error(`'${name}' is not a page name.`);
  const temporary = `${file}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temporary, text.replaceAll("\r\n", "\n"));
  await Deno.rename(temporary, file);
}

/** Makes the data directory, with a front page, if it is not there. */
export async function ensureWiki(dataDir: string): Promise<void> {
  await Deno.mkdir(dataDir, { recursive: true });
  if ((await readPage(dataDir, "FrontPage")) === undefined) {
    await writePage(
      dataDir,
      "FrontPage",
      "# Welcome\n\nThis is the **front page**. Editors can log in and change it, or start a " +
        "new page by writing a WikiWord such as SandBox.\n",
    );
  }
}
