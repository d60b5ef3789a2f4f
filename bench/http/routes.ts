/**
 * The 50 routes every benchmark server registers, in the same order: 24 filler routes,
 * the two measured ones (`hello`, `user`), then 24 more fillers. Patterns are written in
 * Pyramid syntax; each server translates them into its own idiom once at start-up.
 *
 * @module
 */

/** One route: a unique name and a Pyramid pattern (`{name}` or `{name:regex}`, no stars). */
export interface BenchRoute {
  /** Route name (unique). */
  name: string;
  /** Pyramid pattern. */
  pattern: string;
}

// Realistic shapes: static pages, slugs, nested ids, shared prefixes with the measured
// `/users/{id}` route so a linear matcher has to reject near misses.
const BEFORE: BenchRoute[] = [
  { name: "home", pattern: "/" },
  { name: "about", pattern: "/about" },
  { name: "contact", pattern: "/contact" },
  { name: "login", pattern: "/login" },
  { name: "logout", pattern: "/logout" },
  { name: "signup", pattern: "/signup" },
  { name: "health", pattern: "/api/v1/health" },
  { name: "status", pattern: "/api/v1/status" },
  { name: "posts", pattern: "/posts" },
  { name: "post", pattern: "/posts/{slug}" },
  { name: "post_comments", pattern: "/posts/{slug}/comments" },
  { name: "post_comment", pattern: "/posts/{slug}/comments/{cid:\\d+}" },
  { name: "tags", pattern: "/tags" },
  { name: "tag", pattern: "/tags/{tag}" },
  { name: "category", pattern: "/categories/{category}" },
  { name: "search", pattern: "/search" },
  { name: "feed", pattern: "/feed.xml" },
  { name: "sitemap", pattern: "/sitemap.xml" },
  { name: "admin", pattern: "/admin" },
  { name: "admin_users", pattern: "/admin/users" },
  { name: "admin_user", pattern: "/admin/users/{uid:\\d+}" },
  { name: "users", pattern: "/users" },
  { name: "users_me", pattern: "/users/me" },
  { name: "users_search", pattern: "/users/search" },
];

const AFTER: BenchRoute[] = [
  { name: "user_posts", pattern: "/users/{id:\\d+}/posts" },
  { name: "user_followers", pattern: "/users/{id:\\d+}/followers" },
  { name: "user_avatar", pattern: "/users/{id:\\d+}/avatar.png" },
  { name: "user_by_name", pattern: "/u/{username}" },
  { name: "orgs", pattern: "/orgs" },
  { name: "org", pattern: "/orgs/{org}" },
  { name: "org_repos", pattern: "/orgs/{org}/repos" },
  { name: "repo", pattern: "/repos/{owner}/{repo}" },
  { name: "repo_issues", pattern: "/repos/{owner}/{repo}/issues" },
  { name: "repo_issue", pattern: "/repos/{owner}/{repo}/issues/{number:\\d+}" },
  { name: "repo_pulls", pattern: "/repos/{owner}/{repo}/pulls" },
  { name: "repo_pull", pattern: "/repos/{owner}/{repo}/pulls/{number:\\d+}" },
  { name: "repo_commit", pattern: "/repos/{owner}/{repo}/commits/{sha:[0-9a-f]{7,40}}" },
  { name: "products", pattern: "/shop/products" },
  { name: "product", pattern: "/shop/products/{sku:[A-Z0-9-]+}" },
  { name: "cart", pattern: "/shop/cart" },
  { name: "cart_item", pattern: "/shop/cart/items/{item:\\d+}" },
  { name: "checkout", pattern: "/shop/checkout" },
  { name: "order", pattern: "/shop/orders/{order:\\d+}" },
  { name: "invoice", pattern: "/shop/orders/{order:\\d+}/invoice.pdf" },
  { name: "archive_year", pattern: "/archive/{year:\\d{4}}" },
  { name: "archive_month", pattern: "/archive/{year:\\d{4}}/{month:\\d{2}}" },
  { name: "docs_page", pattern: "/docs/{version}/{page}" },
  { name: "settings", pattern: "/settings/{section}" },
];

/** The measured routes. */
export const HELLO: BenchRoute = { name: "hello", pattern: "/hello" };
/** The measured route with a placeholder. */
export const USER: BenchRoute = { name: "user", pattern: "/users/{id:\\d+}" };

/** Every route, in registration order. */
export const ROUTES: readonly BenchRoute[] = [...BEFORE, HELLO, USER, ...AFTER];

if (ROUTES.length !== 50) throw new Error(`bench routes: expected 50, have ${ROUTES.length}`);

/** The body of `GET /hello`. */
export function helloBody(): { hello: string } {
  return { hello: "world" };
}

/** The body of `GET /users/{id}`. */
export function userBody(id: string): { id: number; name: string } {
  return { id: Number(id), name: `user ${id}` };
}

/** The body of a filler route (never requested by the benchmark, only checked once). */
export function fillerBody(
  name: string,
  params: Record<string, string>,
): { route: string; params: Record<string, string> } {
  return { route: name, params };
}

const PLACEHOLDER = /\{([A-Za-z_]\w*)(?::((?:[^{}]|\{[^{}]*\})+))?\}/g;

/** `{id:\d+}` → `:id{\d+}`, `{slug}` → `:slug`: Hono's path syntax. */
export function toHonoPath(pattern: string): string {
  return pattern.replace(
    PLACEHOLDER,
    (_m, name: string, regex?: string) => regex === undefined ? `:${name}` : `:${name}{${regex}}`,
  );
}

/** A compiled pattern for the raw server: the names and an anchored regex. */
export interface RawPattern {
  /** Placeholder names, in order. */
  names: string[];
  /** Anchored regex, or undefined for a static route (compared as a string). */
  regex: RegExp | undefined;
  /** The literal text before the first placeholder. */
  prefix: string;
}

/** Compiles a pattern for the raw `Deno.serve` server. */
export function toRawPattern(pattern: string): RawPattern {
  const names: string[] = [];
  let source = "^";
  let last = 0;
  for (const m of pattern.matchAll(PLACEHOLDER)) {
    source += escape(pattern.slice(last, m.index));
    names.push(m[1]);
    source += `(${m[2] ?? "[^/]+"})`;
    last = m.index + m[0].length;
  }
  if (names.length === 0) return { names, regex: undefined, prefix: pattern };
  source += escape(pattern.slice(last)) + "$";
  return { names, regex: new RegExp(source), prefix: pattern.slice(0, pattern.indexOf("{")) };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A concrete path for a filler route, for the start-up sanity check. */
export function samplePath(pattern: string): string {
  return pattern.replace(PLACEHOLDER, (_m, name: string, regex?: string) => {
    if (regex === undefined) return `x-${name}`;
    if (regex.startsWith("\\d{4}")) return "2024";
    if (regex.startsWith("\\d{2}")) return "06";
    if (regex.startsWith("\\d")) return "7";
    if (regex.startsWith("[0-9a-f]")) return "abc1234";
    return "SKU-1";
  });
}
