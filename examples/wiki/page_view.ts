/**
 * The wiki's legacy views: plain (blocking) functions run in an executor worker. The page
 * view reads the page file and renders its Markdown synchronously; `request.session`,
 * `request.authenticatedUserid` and `request.hasPermission()` are plain values there,
 * fetched from the main isolate.
 *
 * @module
 */

import { HTTPFound, HTTPNotFound, type PermitsResult, type PyramidRequest } from "@aio/pyramid";
import { PAGE_NAME, readPageSync } from "./pages.ts";
import { renderMarkdown } from "./markdown.ts";

/** What `templates/view.jinja2` shows. */
export interface PageInfo {
  name: string;
  content: string;
  editUrl: string;
  canEdit: boolean;
  user: unknown;
  messages: unknown[];
  errors: unknown[];
}

/** `/{pagename}`: a page, rendered; a missing page sends visitors to create it. */
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
    canEdit: (request.hasPermission("edit") as PermitsResult).allowed,
    user: request.authenticatedUserid,
    messages: session.popFlash(),
    errors: session.popFlash("error"),
  };
}

/** `/whoami`: who the request is, as the security policy sees it (JSON). */
export function whoami(request: PyramidRequest) {
  return {
    userid: request.authenticatedUserid,
    principals: request.effectivePrincipals,
    canEdit: (request.hasPermission("edit") as PermitsResult).allowed,
  };
}
