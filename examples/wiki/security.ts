/**
 * Who may do what in the wiki: the root resource carries the ACL (everyone may view,
 * editors may edit), users have salted PBKDF2 password hashes, and the groupfinder gives
 * the AuthTkt policy a user's groups. Users: `editor` / `editor` (in `group:editors`) and
 * `basic` / `basic` (a reader), as in Pyramid's tutorial.
 *
 * @module
 */

import { timingSafeEqual } from "node:crypto";
import { Allow, DENY_ALL, Everyone } from "@aio/pyramid";

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

/** The root resource: the ACL and the users. */
export class Wiki {
  __name__ = "";
  __parent__ = null;
  /** Users by login. */
  users = new Map<string, User>();

  /** Everyone may view, editors may edit, nobody else may do anything. */
  __acl__ = [[Allow, Everyone, "view"], [Allow, "group:editors", "edit"], DENY_ALL] as const;

  /** Adds a user whose password is stored as a salted PBKDF2 hash. */
  async addUser(login: string, password: string, groups: string[]): Promise<void> {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    this.users.set(login, { salt, hash: await hashPassword(password, salt), groups });
  }

  /** Whether `password` is the user's (in constant time). */
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
