// HTTP Basic authentication (Pyramid's BasicAuthAuthenticationPolicy).

import type { PyramidRequest } from "../request/request.ts";
import type { MaybePromise } from "./acl.ts";
import { CallbackAuthenticationPolicy, type HeaderList } from "./callback_policy.ts";

/** Username and password from an `Authorization: Basic` header. */
export interface BasicCredentials {
  /** The username (before the first `:`). */
  username: string;
  /** The password (after it). */
  password: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("latin1");

/**
 * The credentials of an `Authorization: Basic` header, or null when there is none or it is
 * malformed; text is read as UTF-8, else Latin-1 (as Pyramid does). Never throws.
 *
 * @example Reading credentials
 * ```ts
 * import { extractHttpBasicCredentials } from "@aio/pyramid";
 * const headers = new Headers({ authorization: "Basic " + btoa("ann:s3cret") });
 * console.assert(extractHttpBasicCredentials({ headers })?.password === "s3cret");
 * ```
 */
export function extractHttpBasicCredentials(
  request: { headers: Headers },
): BasicCredentials | null {
  const header = request.headers.get("authorization");
  if (!header) return null;
  const space = header.indexOf(" ");
  if (space < 0 || header.slice(0, space).toLowerCase() !== "basic") return null;
  let bytes: Uint8Array;
  try {
    const binary = atob(header.slice(space + 1).trim());
    bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = latin1.decode(bytes);
  }
  const colon = text.indexOf(":");
  if (colon < 0) return null;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * Checks a username and password: the user's principals (may be empty) when they are right,
 * `null` when not. May be async.
 */
export type BasicAuthCheck = (
  username: string,
  password: string,
  request: PyramidRequest,
) => MaybePromise<readonly string[] | null | undefined>;

/** Options for {@linkcode BasicAuthAuthenticationPolicy}. */
export interface BasicAuthOptions {
  /** The realm the browser shows in its login dialog (default `"Realm"`). */
  realm?: string;
}

/**
 * HTTP Basic authentication: the userid is the username of the `Authorization` header,
 * authenticated when `check` accepts the password. `forget` answers the
 * `WWW-Authenticate` challenge; send it with a 401 from a forbidden view.
 *
 * @example Checking passwords against a table
 * ```ts
 * import { BasicAuthAuthenticationPolicy } from "@aio/pyramid";
 * import { DummyRequest } from "@aio/pyramid/testing";
 * const users: Record<string, string> = { ann: "s3cret" };
 * const policy = new BasicAuthAuthenticationPolicy(
 *   async (username, password) => users[username] === password ? ["group:editors"] : null,
 *   { realm: "Editors" },
 * );
 * const request = new DummyRequest({ headers: { authorization: "Basic " + btoa("ann:s3cret") } });
 * console.assert(await policy.authenticatedUserid(request) === "ann");
 * ```
 */
export class BasicAuthAuthenticationPolicy extends CallbackAuthenticationPolicy {
  /** The password check. */
  readonly check: BasicAuthCheck;
  /** The realm. */
  readonly realm: string;

  /** Creates the policy around `check`. */
  constructor(check: BasicAuthCheck, options: BasicAuthOptions = {}) {
    super();
    this.check = check;
    this.realm = options.realm ?? "Realm";
    this.callback = (_userid, request) => {
      const credentials = extractHttpBasicCredentials(request);
      return credentials ? this.check(credentials.username, credentials.password, request) : null;
    };
  }

  /** The username of the `Authorization` header, or null. */
  unauthenticatedUserid(request: PyramidRequest): string | null {
    return extractHttpBasicCredentials(request)?.username ?? null;
  }

  /** Nothing: the browser sends the credentials with every request. */
  remember(): HeaderList {
    return [];
  }

  /** The `WWW-Authenticate` challenge. */
  forget(): HeaderList {
    return [["WWW-Authenticate", `Basic realm="${this.realm.replace(/["\\]/g, "\\$&")}"`]];
  }
}
