// The auth_tkt parser never throws and never accepts what it should not: tampered,
// truncated, expired, oversized, non-UTF-8 and randomly generated cookies are anonymous, and
// tickets signed with the right secret but nonsense inside are refused instead of raising.

import assert from "node:assert/strict";
import { AuthTktCookieHelper, type TicketHashAlgorithm } from "../../mod.ts";
import { createTicket } from "../../src/security/_ticket.ts";
import { cookiePair, makeRequest } from "./_helpers.ts";

const SECRET = "fuzzing-secret-that-is-long-enough-32";
const HASHES: TicketHashAlgorithm[] = ["sha512", "sha384", "sha256", "sha1", "md5"];

function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function identify(helper: AuthTktCookieHelper, cookie: string) {
  return helper.identify(makeRequest({ cookie }));
}

Deno.test("every one-character change, truncation or extension of a valid ticket is refused", () => {
  for (const hashalg of HASHES) {
    const helper = new AuthTktCookieHelper(SECRET, { hashalg });
    const pair = cookiePair(
      helper.remember(makeRequest(), "Zoë", { tokens: ["editor", "a1"] })[0][1],
    );
    assert.equal(identify(helper, pair)?.userid, "Zoë");
    const value = pair.slice(pair.indexOf("=") + 1);
    assert.ok(value.startsWith('"') && value.includes("\\054"), "tokens make a quoted value");
    for (let i = 0; i < value.length; i++) {
      if (value[i] === "x") continue;
      const tampered = value.slice(0, i) + "x" + value.slice(i + 1);
      assert.equal(identify(helper, `auth_tkt=${tampered}`), null, `${hashalg} @${i}: ${tampered}`);
    }
    for (let end = 0; end < value.length - 1; end++) {
      const truncated = value.slice(0, end);
      // Only a cut that keeps the whole signed text (dropping the closing quote) survives.
      if (truncated === value.slice(0, -1)) continue;
      assert.equal(identify(helper, `auth_tkt=${truncated}`), null, `${hashalg} cut at ${end}`);
    }
    assert.equal(identify(helper, `auth_tkt=${value.slice(0, -1)}|more"`), null);
  }
});

Deno.test("expired, oversized and non-UTF-8 tickets are anonymous", () => {
  const now = 1_800_000_000;
  const old = new AuthTktCookieHelper(SECRET, { now: () => now - 3601 });
  const pair = cookiePair(old.remember(makeRequest(), "ann")[0][1]);
  const strict = new AuthTktCookieHelper(SECRET, { timeout: 3600, now: () => now });
  assert.equal(identify(strict, pair), null);
  const lenient = new AuthTktCookieHelper(SECRET, { timeout: 3602, now: () => now });
  assert.equal(identify(lenient, pair)?.userid, "ann");

  const big = new AuthTktCookieHelper(SECRET);
  const valid = cookiePair(big.remember(makeRequest(), "x".repeat(2000))[0][1]);
  assert.equal(identify(big, valid)?.userid === "x".repeat(2000), true, "a 3 KB ticket is read");
  const huge = cookiePair(big.remember(makeRequest(), "x".repeat(3200))[0][1]);
  assert.equal(identify(big, huge), null, "beyond 4096 bytes a ticket is not even parsed");
  assert.equal(identify(big, "auth_tkt=" + "a".repeat(100_000)), null);

  // Header text arrives as Latin-1 bytes: \xff\xfe is not UTF-8.
  assert.equal(identify(big, valid.slice(0, -3) + "\xff\xfe"), null);
  assert.equal(identify(big, "auth_tkt=\xc3\x28" + valid.slice(9)), null);
});

Deno.test("tickets signed with the secret but holding nonsense are refused, not raised", () => {
  const secret = new TextEncoder().encode(SECRET);
  const helper = new AuthTktCookieHelper(SECRET);
  const signed = (userid: string, userData: string, tokens: string[] = []) =>
    `auth_tkt="${
      createTicket(
        { ip: "0.0.0.0", timestamp: Date.now() / 1000, userid, tokens, userData },
        secret,
        "sha512",
      ).replaceAll(",", "\\054")
    }"`;
  // Pyramid would raise (a 500) on these; here they are simply anonymous.
  assert.equal(identify(helper, signed("abc", "userid_type:int")), null);
  assert.equal(identify(helper, signed("!!!notbase64", "userid_type:b64unicode")), null);
  assert.equal(identify(helper, signed(btoa("\xff\xfe"), "userid_type:b64unicode")), null);
  assert.equal(identify(helper, signed("42", "userid_type:int|userid_type:int")), null);
  // Unknown types and plain user data keep the raw userid, as Pyramid does.
  assert.equal(identify(helper, signed("raw", "userid_type:frob"))?.userid, "raw");
  assert.equal(identify(helper, signed("raw", "anything|else"))?.userData, "anything|else");
  assert.equal(identify(helper, signed(" 42 ", "userid_type:int"))?.userid, 42);
  assert.equal(
    identify(helper, signed("123456789012345678901", "userid_type:int"))?.userid,
    123456789012345678901n,
    "integers beyond 2^53 come back as bigint",
  );
  assert.deepEqual(identify(helper, signed("u", "", ["a", "b"]))?.tokens, ["a", "b"]);
});

Deno.test("3000 random cookie headers: never a throw, never an identity", () => {
  const rnd = random(42);
  const helpers = HASHES.map((hashalg) => new AuthTktCookieHelper(SECRET, { hashalg }));
  const valid = helpers.map((h) => cookiePair(h.remember(makeRequest(), 7)[0][1]).slice(9));
  for (let n = 0; n < 3000; n++) {
    let text = "";
    const length = Math.floor(rnd() * (rnd() < 0.1 ? 6000 : 300));
    for (let i = 0; i < length; i++) {
      const r = rnd();
      // Mostly ticket-like characters, some separators, quotes, escapes and raw high bytes.
      text += r < 0.6
        ? "0123456789abcdef"[Math.floor(rnd() * 16)]
        : r < 0.75
        ? '!|%,:="\\ ;'[Math.floor(rnd() * 10)]
        : String.fromCharCode(32 + Math.floor(rnd() * 224));
    }
    const k = Math.floor(rnd() * helpers.length);
    const prefix = rnd() < 0.5 ? valid[k].slice(0, Math.floor(rnd() * valid[k].length)) : "";
    const header = `auth_tkt=${prefix}${text}`.replace(/[\r\n\0]/g, "");
    assert.equal(helpers[k].identify(makeRequest({ cookie: header })), null, header);
  }
});
