/**
 * The wiki's one legacy view: a plain (blocking) function that reads the page file and
 * renders its Markdown synchronously. It runs in an executor worker, where
 * `request.session` is the session itself (no `await`): it pops the flash messages the
 * async views left, and reads who is logged in.
 *
 * @module
 */

import { HTTPFound, HTTPNotFound, type PyramidRequest } from "@aio/pyramid";
import { PAGE_NAME, readPageSync } from "./pages.ts";
import { renderMarkdown } from "./markdown.ts";

/** What `templates/view.jinja2` shows. */
export interface PageInfo {
  name: string;
  content: string;
  editUrl: string;
  user: string | null;
  messages: unknown[];
  errors: unknown[];
}

/** `/{pagename}`: a page, rendered; a missing page sends editors to create it. */
export function viewPage(request: PyramidRequest): PageInfo | HTTPFound {
  const name = request.matchdict.pagename;
  if (!PAGE_NAME.test(name)) throw new HTTPNotFound({ detail: `'${name}' is not a page name.` });
  const dataDir = String(request.settings["wiki.data_dir"]);
  const text = readPageSync(dataDir, name);
  if (text === undefined) {
    return new HTTPFound({
      location: request.routePath("add_page", { parts: { pagename: name } }),
    });
  }
  const content = renderMarkdown(text, (word) => {
    const exists = readPageSync(dataDir, word) !== undefined;
    const href = exists
      ? request.routePath("view_page", { parts: { pagename: word } })
      : request.routePath("add_page", { parts: { pagename: word } });
    return `<a href="${href}"${exists ? "" : ' class="missing"'}>${word}</a>`;
  });
  const session = request.session;
  return {
    name,
    content,
    editUrl: request.routePath("edit_page", { parts: { pagename: name } }),
    user: session.get<string>("userid") ?? null,
    messages: session.popFlash(),
    errors: session.popFlash("error"),
  };
}
