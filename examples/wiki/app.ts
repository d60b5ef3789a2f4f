/**
 * Pyramid's wiki tutorial the aiopyramid way: pages anyone can read, editors who log in to
 * create and edit them, flash messages, and CSRF-protected forms.
 *
 * - Security: an AuthTkt cookie names the user, the root resource's ACL says who may do
 *   what (`view` for everyone, `edit` for `group:editors`), and a forbidden view sends
 *   anonymous visitors to the login form.
 * - Sessions: a signed cookie (Pyramid's format) holds the flash messages and the CSRF
 *   token; every POST needs the token.
 * - Views: async views edit pages and log in; the page view is a plain (blocking)
 *   function that reads and renders Markdown in an executor worker, with the same
 *   `request.session` and security members as plain values.
 *
 * Serve it with `deno task serve examples/wiki/development.ini` and open
 * http://127.0.0.1:6543 (log in as editor / editor, or basic / basic who may only read).
 *
 * @module
 */

import {
  ACLAuthorizationPolicy,
  type App,
  authnPolicyFactory,
  AuthTktAuthenticationPolicy,
  Configurator,
  EncryptedCookieSessionFactory,
  NO_PERMISSION_REQUIRED,
  RedisSessionFactory,
  type SessionFactory,
  SignedCookieSessionFactory,
} from "@aio/pyramid";
import { ensureWiki } from "./pages.ts";
import { Wiki } from "./security.ts";

function required(settings: Record<string, string>, key: string): string {
  const value = settings[key];
  if (!value) {
    throw new Error(
      `${key} is not set. Put a long random string in the [app:main] section ` +
        "(e.g. the output of `openssl rand -hex 32`).",
    );
  }
  return value;
}

function sessionFactory(settings: Record<string, string>): SessionFactory {
  const secret = required(settings, "wiki.session_secret");
  switch (settings["wiki.session_store"] ?? "signed") {
    case "signed":
      return SignedCookieSessionFactory(secret, { timeout: 3600, reissueTime: 360 });
    case "encrypted":
      return EncryptedCookieSessionFactory(required(settings, "wiki.session_key"), {
        timeout: 3600,
        reissueTime: 360,
      });
    case "redis":
      return RedisSessionFactory(required(settings, "wiki.redis_url"), {
        secret,
        timeout: 3600,
        reissueTime: 360,
      });
    default:
      throw new Error(
        `wiki.session_store must be signed, encrypted or redis, not '${
          settings["wiki.session_store"]
        }'.`,
      );
  }
}

/** Builds the wiki from `[app:main]` settings (`wiki.data_dir`, `wiki.secret`, …). */
export async function main(settings: Record<string, string> = {}): Promise<App> {
  const dataDir = settings["wiki.data_dir"] ?? "./wiki-data";
  await ensureWiki(dataDir);
  const wiki = new Wiki();
  await wiki.addUser("editor", "editor", ["group:editors"]);
  await wiki.addUser("basic", "basic", []);
  const config = new Configurator({
    settings: { "aio.executor.max_workers": "2", ...settings, "wiki.data_dir": dataDir },
    rootFactory: () => wiki,
  });

  config.setAuthenticationPolicy(
    authnPolicyFactory(
      AuthTktAuthenticationPolicy,
      wiki.groupfinder,
      required(settings, "wiki.secret"),
      {
        timeout: 8 * 3600,
        reissueTime: 600,
      },
    ),
  );
  config.setAuthorizationPolicy(new ACLAuthorizationPolicy());
  config.setDefaultPermission("view");
  config.setSessionFactory(sessionFactory(settings));
  // Every view checks POSTs for the token (and, over https, the origin).
  config.setDefaultCsrfOptions({ requireCsrf: true });

  config.addRoute("home", "/");
  config.addRoute("login", "/login");
  config.addRoute("logout", "/logout");
  config.addRoute("whoami", "/whoami");
  config.addRoute("add_page", "/add_page/{pagename}");
  config.addRoute("edit_page", "/{pagename}/edit_page");
  config.addRoute("view_page", "/{pagename}");

  config.addView("./views.ts#home", { routeName: "home" });
  config.addView("./views.ts#login", {
    routeName: "login",
    renderer: "./templates/login.jinja2",
    permission: NO_PERMISSION_REQUIRED,
  });
  config.addView("./views.ts#logout", {
    routeName: "logout",
    requestMethod: "POST",
    permission: NO_PERMISSION_REQUIRED,
  });
  for (const [route, view] of [["add_page", "addPage"], ["edit_page", "editPage"]]) {
    config.addView(`./views.ts#${view}`, {
      routeName: route,
      renderer: "./templates/edit.jinja2",
      requestMethod: ["GET", "POST"],
      permission: "edit",
    });
  }
  config.addView("./page_view.ts#viewPage", {
    routeName: "view_page",
    renderer: "./templates/view.jinja2",
  });
  config.addView("./page_view.ts#whoami", { routeName: "whoami", renderer: "json" });
  config.addForbiddenView("./views.ts#forbidden", { renderer: "./templates/forbidden.jinja2" });
  return await config.makeApp();
}
