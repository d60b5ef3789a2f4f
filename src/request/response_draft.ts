/**
 * `request.response`: the status, headers and cookies a renderer applies to the
 * response it builds, as Pyramid's `request.response` does.
 *
 * @module
 */

import { serialize } from "@hono/hono/utils/cookie";
import { WebResponse } from "../_web.ts";

/** Cookie attributes accepted by {@linkcode ResponseDraft.setCookie}. */
export interface CookieOptions {
  /** `Domain`. */
  domain?: string;
  /** `Path` (default `/`). */
  path?: string;
  /** `Expires`. */
  expires?: Date;
  /** `Max-Age` in seconds. */
  maxAge?: number;
  /** `HttpOnly`. */
  httpOnly?: boolean;
  /** `Secure`. */
  secure?: boolean;
  /** `SameSite`. */
  sameSite?: "Strict" | "Lax" | "None";
}

/**
 * What a view wants on its rendered response: status, headers, cookies, content type.
 *
 * @example Setting a status and a cookie from a view
 * ```ts
 * import { ResponseDraft } from "@aio/pyramid";
 * const draft = new ResponseDraft();
 * draft.status = 201;
 * draft.setCookie("seen", "1", { path: "/", httpOnly: true });
 * const response = draft.toResponse("{}", "application/json");
 * console.assert(response.status === 201);
 * ```
 */
export class ResponseDraft {
  /** The status code; 200 unless a view changes it. */
  status = 200;
  /** Headers added to the response. */
  headers: Headers = new Headers();

  /** The content type, when a view sets it; renderers supply their own default. */
  get contentType(): string | null {
    return this.headers.get("content-type");
  }
  set contentType(value: string | null) {
    if (value === null) this.headers.delete("content-type");
    else this.headers.set("content-type", value);
  }

  /** Adds a `Set-Cookie` header. */
  setCookie(name: string, value: string, options: CookieOptions = { path: "/" }): void {
    this.headers.append("set-cookie", serialize(name, value, { path: "/", ...options } as never));
  }

  /** Adds a `Set-Cookie` header that expires the cookie. */
  deleteCookie(name: string, options: Omit<CookieOptions, "maxAge" | "expires"> = {}): void {
    this.headers.append(
      "set-cookie",
      serialize(name, "", { path: "/", ...options, maxAge: 0, expires: new Date(0) } as never),
    );
  }

  /** Builds the final response with this draft's status and headers. */
  toResponse(body: BodyInit | null, defaultContentType?: string): Response {
    if (defaultContentType && !this.headers.has("content-type")) {
      this.headers.set("content-type", defaultContentType);
    }
    return new WebResponse(body, { status: this.status, headers: this.headers });
  }

  /** Copies this draft's headers onto a response a view built itself (cookies included). */
  applyTo(response: Response): Response {
    let headers: Headers;
    try {
      for (const [name, value] of this.headers) {
        if (name === "set-cookie") response.headers.append(name, value);
        else response.headers.set(name, value);
      }
      return response;
    } catch {
      // Immutable headers (e.g. from fetch()): copy into a new response.
      headers = new Headers(response.headers);
      for (const [name, value] of this.headers) {
        if (name === "set-cookie") headers.append(name, value);
        else headers.set(name, value);
      }
      return new Response(response.body, {
        status: response.status,
        statusText: response.statusText,
        headers,
      });
    }
  }
}
