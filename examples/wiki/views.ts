/**
 * The wiki's async views: editing and adding pages (editors only: `permission: "edit"`),
 * logging in and out, and the forbidden view. They run on the event loop, `await
 * request.session` for the flash messages, and their forms carry the CSRF token
 * (`request.csrfToken` in the templates); the `csrf_view` deriver refuses POSTs without it
 * (400), and `secured_view` refuses editing to anyone but editors.
 *
 * @module
 */

import {
  forget,
  type HTTPForbidden,
  HTTPFound,
  HTTPNotFound,
  HTTPSeeOther,
  type PermitsResult,
  type PyramidRequest,
  remember,
} from "@aio/pyramid";
import { PAGE_NAME, readPage, writePage } from "./pages.ts";
import type { Wiki } from "./security.ts";

function dataDir(request: PyramidRequest): string {
  return String(request.settings["wiki.data_dir"]);
}

function pageName(request: PyramidRequest): string {
  const name = request.matchdict.pagename;
  if (!PAGE_NAME.test(name)) throw new HTTPNotFound({ detail: `'${name}' is not a page name.` });
  return name;
}

function pagePath(request: PyramidRequest, name: string): string {
  return request.routePath("view_page", { parts: { pagename: name } });
}

/** Where to go after logging in: a path on this site only (no open redirects). */
function safeTarget(value: unknown, fallback: string): string {
  const target = typeof value === "string" ? value : "";
  return target.startsWith("/") && !target.startsWith("//") && !target.includes("\\")
    ? target
    : fallback;
}

/** `/`: the front page. */
export async function home(request: PyramidRequest): Promise<HTTPFound> {
  return new HTTPFound({ location: pagePath(request, "FrontPage") });
}

/** What the edit and add templates show. */
export interface EditInfo {
  name: string;
  body: string;
  action: string;
  user: unknown;
  messages: unknown[];
  errors: unknown[];
}

/** `/{pagename}/edit_page` (editors): the form, and saving it. */
export async function editPage(request: PyramidRequest): Promise<EditInfo | HTTPFound> {
  const session = await request.session;
  const name = pageName(request);
  const current = await readPage(dataDir(request), name);
  if (current === undefined) {
    return new HTTPFound({
      location: request.routePath("add_page", { parts: { pagename: name } }),
    });
  }
  if (request.method === "POST") {
    await writePage(dataDir(request), name, String(request.POST.get("body") ?? ""));
    session.flash(`Saved ${name}.`);
    return new HTTPSeeOther({ location: pagePath(request, name) });
  }
  return {
    name,
    body: current,
    action: request.routePath("edit_page", { parts: { pagename: name } }),
    user: await request.authenticatedUserid,
    messages: session.popFlash(),
    errors: session.popFlash("error"),
  };
}

/** `/add_page/{pagename}` (editors): a new page. */
export async function addPage(request: PyramidRequest): Promise<EditInfo | HTTPFound> {
  const session = await request.session;
  const name = pageName(request);
  if ((await readPage(dataDir(request), name)) !== undefined) {
    return new HTTPFound({
      location: request.routePath("edit_page", { parts: { pagename: name } }),
    });
  }
  if (request.method === "POST") {
    await writePage(dataDir(request), name, String(request.POST.get("body") ?? ""));
    session.flash(`Created ${name}.`);
    return new HTTPSeeOther({ location: pagePath(request, name) });
  }
  return {
    name,
    body: "",
    action: request.routePath("add_page", { parts: { pagename: name } }),
    user: await request.authenticatedUserid,
    messages: session.popFlash(),
    errors: session.popFlash("error"),
  };
}

/** What the login template shows. */
export interface LoginInfo {
  login: string;
  cameFrom: string;
  user: unknown;
  errors: unknown[];
  messages: unknown[];
}

/**
 * `/login`: the form, and checking it. On success: a new session (no session fixation),
 * a new CSRF token, the auth_tkt cookie (`remember`), and back to where the user was.
 */
export async function login(request: PyramidRequest): Promise<LoginInfo | HTTPSeeOther> {
  const session = await request.session;
  const cameFrom = safeTarget(request.params.get("came_from"), pagePath(request, "FrontPage"));
  const name = String(request.POST.get("login") ?? "");
  const errors: unknown[] = session.popFlash("error");
  if (request.method === "POST") {
    const password = String(request.POST.get("password") ?? "");
    if (await (request.root as Wiki).checkPassword(name, password)) {
      session.invalidate();
      session.newCsrfToken();
      session.flash(`Welcome, ${name}.`);
      return new HTTPSeeOther({ location: cameFrom, headers: await remember(request, name) });
    }
    request.response.status = 400;
    errors.push("Wrong login or password.");
  }
  return {
    login: name,
    cameFrom,
    user: await request.authenticatedUserid,
    errors,
    messages: session.popFlash(),
  };
}

/** `/logout` (POST, with the token): forget the user and their session. */
export async function logout(request: PyramidRequest): Promise<HTTPSeeOther> {
  const session = await request.session;
  session.invalidate();
  session.flash("Logged out.");
  return new HTTPSeeOther({
    location: pagePath(request, "FrontPage"),
    headers: await forget(request),
  });
}

/** What the forbidden template shows. */
export interface ForbiddenInfo {
  user: unknown;
  permission: string;
  messages: unknown[];
  errors: unknown[];
}

/** Anonymous visitors are sent to log in; logged-in users learn why they were refused. */
export async function forbidden(request: PyramidRequest): Promise<ForbiddenInfo | HTTPSeeOther> {
  const session = await request.session;
  const user = await request.authenticatedUserid;
  if (user === null) {
    session.flash("Log in to edit pages.", { queue: "error" });
    const cameFrom = encodeURIComponent(request.pathname);
    return new HTTPSeeOther({ location: `${request.routePath("login")}?came_from=${cameFrom}` });
  }
  const result = (request.exception as HTTPForbidden).result as
    | (PermitsResult & { permission?: string })
    | undefined;
  request.response.status = 403;
  return {
    user,
    permission: result?.permission ?? "do that",
    messages: [],
    errors: [],
  };
}
