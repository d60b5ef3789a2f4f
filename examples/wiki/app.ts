/**
 * Pyramid's wiki tutorial the aiopyramid way: pages anyone can read, editors who log in to
 * create and edit them, flash messages, and CSRF-protected forms. Async views edit pages;
 * the page view is a plain (blocking) function that reads and renders Markdown in an
 * executor worker — both use the same `request.session`.
 *
 * Serve it with `deno task serve examples/wiki/development.ini` and open
 * http://127.0.0.1:6543 (log in as editor / editor).
 *
 * @module
 */

import {
  type App,
  Configurator,
  EncryptedCookieSessionFactory,
  RedisSessionFactory,
  type SessionFactory,
  SignedCookieSessionFactory,
} from "@aio/pyramid";
import { ensureWiki } from "./pages.ts";

function sessionFactory(settings: Record<string, string>): SessionFactory {
  const secret = settings["wiki.session_secret"];
  if (!secret) {
    throw new Error(
      "wiki.session_secret is not set. Put a long random string in the [app:main] section " +
        "(e.g. the output of `openssl rand -hex 32`).",
    );
  }
  switch (settings["wiki.session_store"] ?? "signed") {
    case "signed":
      return SignedCookieSessionFactory(secret, { timeout: 3600 });
    case "encrypted":
      return EncryptedCookieSessionFactory(settings["wiki.session_key"], { timeout: 3600 });
    case "redis":
      return RedisSessionFactory(settings["wiki.redis_url"], { secret, timeout: 3600 });
    default:
      throw new Error(
        `wiki.session_store must be signed, encrypted or redis, not '${
          settings["wiki.session_store"]
        }'.`,
      );
  }
}

/** Builds the wiki from `[app:main]` settings (`wiki.data_dir`, `wiki.session_secret`, …). */
export async function main(settings: Record<string, string> = {}): Promise<App> {
  const dataDir = settings["wiki.data_dir"] ?? "./wiki-data";
  await ensureWiki(dataDir);
  const config = new Configurator({
    settings: { "aio.executor.max_workers": "2", ...settings, "wiki.data_dir": dataDir },
  });
  config.setSessionFactory(sessionFactory(settings));
  // Every view checks POSTs for the token (and, over https, the origin).
  config.setDefaultCsrfOptions({ requireCsrf: true });

  config.addRoute("home", "/");
  config.addRoute("login", "/login");
  config.addRoute("logout", "/logout");
  config.addRoute("add_page", "/add_page/{pagename}");
  config.addRoute("edit_page", "/{pagename}/edit_page");
  config.addRoute("view_page", "/{pagename}");

  config.addView("./views.ts#home", { routeName: "home" });
  config.addView("./views.ts#login", { routeName: "login", renderer: "./templates/login.jinja2" });
  config.addView("./views.ts#logout", { routeName: "logout", requestMethod: "POST" });
  for (const [route, view] of [["add_page", "addPage"], ["edit_page", "editPage"]]) {
    config.addView(`./views.ts#${view}`, {
      routeName: route,
      renderer: "./templates/edit.jinja2",
      requestMethod: ["GET", "POST"],
    });
  }
  config.addView("./page_view.ts#viewPage", {
    routeName: "view_page",
    renderer: "./templates/view.jinja2",
  });
  return await config.makeApp();
}
