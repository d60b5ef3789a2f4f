/**
 * The wiki's async views: editing and adding pages, logging in and out. They run on the
 * event loop, `await request.session` for the user and the flash messages, and their forms
 * carry the CSRF token (`request.csrfToken` in the templates); the `csrf_view` deriver
 * refuses POSTs without it (400).
 *
 * Login is deliberately minimal (two users, the user id in the session): the security
 * policies of `@aio/pyramid` can take over once the app uses them.
 *
 * @module
 */

import {
  HTTPFound,
  HTTPNotFound,
  HTTPSeeOther,
  type ISession,
  type PyramidRequest,
} from "@aio/pyramid";
import { PAGE_NAME, readPage, writePage } from "./pages.ts";

/** The tutorial's users (login → password). */
export const USERS: Readonly<Record<string, string>> = { editor: "editor", basic: "basic" };

function dataDir(request: PyramidRequest): string {
  return String(request.settings["wiki.data_dir"]);
}

function pageName(request: PyramidRequest): string {
  const name = request.matchdict.pagename;
  if (!PAGE_NAME.test(name)) throw new HTTPNotFound({ detail: `'${name}' is not a page name.` });
  return name;
}

/** Where to go after logging in: a path on this site only (no open redirects). */
function safeTarget(value: unknown, fallback: string): string {
  const target = typeof value === "string" ? value : "";
  return target.startsWith("/") && !target.startsWith("//") && !target.includes("\\")
    ? target
    : fallback;
}

function needLogin(request: PyramidRequest, session: ISession): HTTPFound {
  session.flash("Log in to edit pages.", { queue: "error" });
  const cameFrom = encodeURIComponent(request.pathname);
  return new HTTPFound({ location: `${request.routePath("login")}?came_from=${cameFrom}` });
}

/** `/`: the front page. */
export async function home(request: PyramidRequest): Promise<HTTPFound> {
  return new HTTPFound({
    location: request.routePath("view_page", { parts: { pagename: "FrontPage" } }),
  });
}

/** What the edit and add templates show. */
export interface EditInfo {
  name: string;
  body: string;
  action: string;
  user: string;
  messages: unknown[];
  errors: unknown[];
}

/** `/{pagename}/edit_page`: the form, and saving it. */
export async function editPage(request: PyramidRequest): Promise<EditInfo | HTTPFound> {
  const session = await request.session;
  const user = session.get<string>("userid");
  const name = pageName(request);
  if (!user) return needLogin(request, session);
  const current = await readPage(dataDir(request), name);
  if (current === undefined) {
    return new HTTPFound({
      location: request.routePath("add_page", { parts: { pagename: name } }),
    });
  }
  if (request.method === "POST") {
    await writePage(dataDir(request), name, String(request.POST.get("body") ?? ""));
    session.flash(`Saved ${name}.`);
    return new HTTPSeeOther({
      location: request.routePath("view_page", { parts: { pagename: name } }),
    });
  }
  return {
    name,
    body: current,
    action: request.routePath("edit_page", { parts: { pagename: name } }),
    user,
    messages: session.popFlash(),
    errors: session.popFlash("error"),
  };
}

/** `/add_page/{pagename}`: a new page. */
export async function addPage(request: PyramidRequest): Promise<EditInfo | HTTPFound> {
  const session = await request.session;
  const user = session.get<string>("userid");
  const name = pageName(request);
  if (!user) return needLogin(request, session);
  if ((await readPage(dataDir(request), name)) !== undefined) {
    return new HTTPFound({
      location: request.routePath("edit_page", { parts: { pagename: name } }),
    });
  }
  if (request.method === "POST") {
    await writePage(dataDir(request), name, String(request.POST.get("body") ?? ""));
    session.flash(`Created ${name}.`);
    return new HTTPSeeOther({
      location: request.routePath("view_page", { parts: { pagename: name } }),
    });
  }
  return {
    name,
    body: "",
    action: request.routePath("add_page", { parts: { pagename: name } }),
    user,
    messages: session.popFlash(),
    errors: session.popFlash("error"),
  };
}

/** What the login template shows. */
export interface LoginInfo {
  login: string;
  cameFrom: string;
  errors: unknown[];
  messages: unknown[];
}

/** `/login`: the form, and checking it. A new session on success (no session fixation). */
export async function login(request: PyramidRequest): Promise<LoginInfo | HTTPSeeOther> {
  const session = await request.session;
  const fallback = request.routePath("view_page", { parts: { pagename: "FrontPage" } });
  const cameFrom = safeTarget(request.params.get("came_from"), fallback);
  const name = String(request.POST.get("login") ?? "");
  if (request.method === "POST") {
    const password = String(request.POST.get("password") ?? "");
    if (Object.hasOwn(USERS, name) && USERS[name] === password) {
      session.invalidate();
      session.set("userid", name);
      session.newCsrfToken();
      session.flash(`Welcome, ${name}.`);
      return new HTTPSeeOther({ location: cameFrom });
    }
    session.flash("Failed login.", { queue: "error" });
  }
  return {
    login: name,
    cameFrom,
    errors: session.popFlash("error"),
    messages: session.popFlash(),
  };
}

/** `/logout` (POST, with the token): forget the user. */
export async function logout(request: PyramidRequest): Promise<HTTPSeeOther> {
  const session = await request.session;
  session.invalidate();
  session.flash("Logged out.");
  return new HTTPSeeOther({
    location: request.routePath("view_page", { parts: { pagename: "FrontPage" } }),
  });
}
