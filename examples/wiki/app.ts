/**
 * The wiki example: public pages anyone can read, an edit page only editors may use, a login
 * form and logout — AuthTkt cookies, ACLs and a forbidden view that sends anonymous visitors
 * to the login page. Serve it with `deno task serve examples/wiki/development.ini` and log in
 * as `ann` / `ann-password` (editor) or `bob` / `bob-password` (reader).
 *
 * @module
 */

import { timingSafeEqual } from "node:crypto";
import {
  ACLAuthorizationPolicy,
  Allow,
  type App,
  authnPolicyFactory,
  AuthTktAuthenticationPolicy,
  Configurator,
  DENY_ALL,
  Everyone,
  forget,
  type HTTPForbidden,
  HTTPNotFound,
  HTTPSeeOther,
  NO_PERMISSION_REQUIRED,
  type PermitsResult,
  type PyramidRequest,
  remember,
  viewConfig,
} from "@aio/pyramid";

interface User {
  salt: Uint8Array<ArrayBuffer>;
  hash: Uint8Array;
  groups: string[];
}

async function hashPassword(password: string, salt: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations: 50_000 },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/** The site: the root resource (with the ACL), its pages and its users. */
export class Wiki {
  __name__ = "";
  __parent__ = null;
  /** Page bodies by name. */
  pages = new Map<string, string>([
    ["FrontPage", "Welcome to the wiki. Editors may change this text."],
    ["About", "A Pyramid-style app on Deno."],
  ]);
  /** Users by login. */
  users = new Map<string, User>();

  /** Who may do what; async, as if it were read from a database. */
  async __acl__() {
    await Promise.resolve();
    return [[Allow, Everyone, "view"], [Allow, "group:editors", "edit"], DENY_ALL] as const;
  }

  /** Adds a user whose password is stored as a salted PBKDF2 hash. */
  async addUser(login: string, password: string, groups: string[]): Promise<void> {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    this.users.set(login, { salt, hash: await hashPassword(password, salt), groups });
  }

  /** Whether `password` is the user's. */
  async checkPassword(login: string, password: string): Promise<boolean> {
    const user = this.users.get(login);
    if (!user) return false;
    return timingSafeEqual(await hashPassword(password, user.salt), user.hash);
  }

  /** The groupfinder: the user's groups, or null for an unknown userid. */
  groupfinder = async (userid: unknown): Promise<string[] | null> => {
    await Promise.resolve(); // a real app would query its user store here
    return this.users.get(userid as string)?.groups ?? null;
  };
}

function wikiOf(request: PyramidRequest): Wiki {
  return request.root as Wiki;
}

// Only local paths are followed after login: no open redirects.
function safeCameFrom(value: unknown): string {
  const path = typeof value === "string" ? value : "";
  return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\") ? path : "/";
}

/** `GET /`: every page. */
export const index = viewConfig(
  { routeName: "index", renderer: "./templates/index.jinja2" },
  async function index(request: PyramidRequest) {
    return {
      title: "All pages",
      pages: [...wikiOf(request).pages.keys()],
      userid: await request.authenticatedUserid,
    };
  },
);

/** `GET /pages/{name}`: one page, with an edit link for those who may edit. */
export const page = viewConfig(
  { routeName: "page", renderer: "./templates/page.jinja2" },
  async function page(request: PyramidRequest) {
    const name = request.matchdict.name;
    const body = wikiOf(request).pages.get(name);
    if (body === undefined) throw new HTTPNotFound({ detail: `No page called ${name}.` });
    const canEdit = (await request.hasPermission("edit") as PermitsResult).allowed;
    return { title: name, body, canEdit, userid: await request.authenticatedUserid };
  },
);

/** `GET|POST /pages/{name}/edit`: editors only. */
export const edit = viewConfig(
  { routeName: "edit", renderer: "./templates/edit.jinja2", permission: "edit" },
  async function edit(request: PyramidRequest) {
    const name = request.matchdict.name;
    const pages = wikiOf(request).pages;
    if (request.method === "POST") {
      pages.set(name, String(request.POST.get("body") ?? ""));
      return new HTTPSeeOther({ location: request.routePath("page", { parts: { name } }) });
    }
    return { title: name, body: pages.get(name) ?? "", userid: await request.authenticatedUserid };
  },
);

/** `GET|POST /login`: the form, and checking it. */
export const login = viewConfig(
  {
    routeName: "login",
    renderer: "./templates/login.jinja2",
    permission: NO_PERMISSION_REQUIRED,
  },
  async function login(request: PyramidRequest) {
    const cameFrom = safeCameFrom(request.params.get("came_from"));
    const userid = String(request.POST.get("login") ?? "");
    if (request.method === "POST") {
      const password = String(request.POST.get("password") ?? "");
      if (await wikiOf(request).checkPassword(userid, password)) {
        return new HTTPSeeOther({ location: cameFrom, headers: await remember(request, userid) });
      }
      request.response.status = 400;
      return { title: "Log in", message: "Wrong login or password.", login: userid, cameFrom };
    }
    return { title: "Log in", message: "", login: "", cameFrom, userid: null };
  },
);

/** `POST /logout`: forget the user. */
export const logout = viewConfig(
  { routeName: "logout", requestMethod: "POST", permission: NO_PERMISSION_REQUIRED },
  async function logout(request: PyramidRequest) {
    return new HTTPSeeOther({ location: "/", headers: await forget(request) });
  },
);

/**
 * `GET /whoami`: a blocking view (a plain function, run in a worker). The security members
 * are plain values here, fetched from the main isolate.
 */
export const whoami = viewConfig(
  { routeName: "whoami", renderer: "json" },
  function whoami(request: PyramidRequest) {
    return {
      userid: request.authenticatedUserid,
      principals: request.effectivePrincipals,
      canEdit: (request.hasPermission("edit") as PermitsResult).allowed,
    };
  },
);

/** Anonymous visitors are sent to log in; logged-in users learn why they were refused. */
export async function forbidden(request: PyramidRequest) {
  const userid = await request.authenticatedUserid;
  if (userid === null) {
    const cameFrom = encodeURIComponent(request.path);
    return new HTTPSeeOther({ location: `/login?came_from=${cameFrom}` });
  }
  const result = (request.exception as HTTPForbidden).result as PermitsResult & {
    permission?: string;
  };
  request.response.status = 403;
  return { title: "Forbidden", userid, permission: result.permission ?? "do that" };
}

/** Builds the app from `[app:main]` settings. */
export async function main(settings: Record<string, string>): Promise<App> {
  const wiki = new Wiki();
  await wiki.addUser("ann", "ann-password", ["group:editors"]);
  await wiki.addUser("bob", "bob-password", []);
  const config = new Configurator({ settings, rootFactory: () => wiki });
  config.setAuthenticationPolicy(
    authnPolicyFactory(AuthTktAuthenticationPolicy, wiki.groupfinder, settings["wiki.secret"], {
      timeout: 8 * 3600,
      reissueTime: 600,
    }),
  );
  config.setAuthorizationPolicy(new ACLAuthorizationPolicy());
  config.setDefaultPermission("view");
  config.addRoute("index", "/");
  config.addRoute("page", "/pages/{name}");
  config.addRoute("edit", "/pages/{name}/edit");
  config.addRoute("login", "/login");
  config.addRoute("logout", "/logout");
  config.addRoute("whoami", "/whoami");
  config.addForbiddenView(forbidden, { renderer: "./templates/forbidden.jinja2" });
  await config.scan(import.meta.url);
  return await config.makeApp();
}
