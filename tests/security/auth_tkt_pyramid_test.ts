// Differential tests: auth_tkt cookies written by Debian's Pyramid are read here, and cookies
// written here are read by Pyramid, for every hash algorithm, userid type, tokens and
// include_ip — one Python process per direction, cases batched as JSON.

import assert from "node:assert/strict";
import { AuthTktCookieHelper, type TicketHashAlgorithm } from "../../mod.ts";
import { cookiePair, makeRequest, pyramid, pyramidMissing } from "./_helpers.ts";
import { pyQuote, pyUnquote } from "../../src/security/_ticket.ts";

const missing = pyramidMissing();
if (missing) console.log(`auth_tkt_pyramid_test: skipped, ${missing}`);

const HASHES: TicketHashAlgorithm[] = ["sha512", "sha384", "sha256", "sha1", "md5"];
const SECRET = "sécret partagé entre Pyramid et Deno — 32+ bytes";

type WireUserid =
  | { type: "str"; value: string }
  | { type: "int"; value: string }
  | { type: "bytes"; b64: string };

const USERIDS: WireUserid[] = [
  { type: "str", value: "alice" },
  { type: "str", value: "Jérôme Ægir 日本 🎉" },
  { type: "str", value: 'odd!chars%2F/ ;,"=+' },
  { type: "str", value: "" },
  { type: "int", value: "42" },
  { type: "int", value: "-7" },
  { type: "int", value: "0" },
  { type: "int", value: String(2n ** 60n) },
  { type: "bytes", b64: btoa("\x00\xff\x10raw") },
];

const VARIANTS = [
  { tokens: [] as string[], ip: undefined as string | undefined },
  { tokens: ["editor", "a1", "x+y_z-w"], ip: undefined },
  { tokens: ["viewer"], ip: "203.0.113.9" },
  { tokens: [], ip: "2001:db8::1" },
];

function toJs(userid: WireUserid): unknown {
  if (userid.type === "int") {
    const big = BigInt(userid.value);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(big)
      : big;
  }
  if (userid.type === "bytes") return Uint8Array.from(atob(userid.b64), (c) => c.charCodeAt(0));
  return userid.value;
}

function fromJs(userid: unknown): WireUserid {
  if (typeof userid === "number" || typeof userid === "bigint") {
    return { type: "int", value: String(userid) };
  }
  if (userid instanceof Uint8Array) {
    return { type: "bytes", b64: btoa(String.fromCharCode(...userid)) };
  }
  return { type: "str", value: userid as string };
}

interface Case {
  hashalg: TicketHashAlgorithm;
  userid: WireUserid;
  tokens: string[];
  ip: string | undefined;
}

const CASES: Case[] = HASHES.flatMap((hashalg) =>
  USERIDS.flatMap((userid) => VARIANTS.map((v) => ({ hashalg, userid, ...v })))
);

function helper(c: Case, secret = SECRET) {
  return new AuthTktCookieHelper(secret, { hashalg: c.hashalg, includeIp: c.ip !== undefined });
}

// Every question to Pyramid goes in one batch to one Python process, before the tests run.
const NOW = Math.floor(Date.now() / 1000);
const TIME = NOW - 5;

const pyramidWrites = CASES.map((c) => ({
  op: "remember",
  time: TIME,
  secret: SECRET,
  hashalg: c.hashalg,
  userid: c.userid,
  tokens: c.tokens,
  include_ip: c.ip !== undefined,
  ip: c.ip ?? "127.0.0.1",
}));

const ourCookies = CASES.map((c) =>
  cookiePair(
    helper(c).remember(makeRequest({ ip: c.ip }), toJs(c.userid), { tokens: c.tokens })[0][1],
  )
);
const pyramidReads = CASES.flatMap((c, i) => {
  const base = {
    op: "identify",
    secret: SECRET,
    hashalg: c.hashalg,
    include_ip: c.ip !== undefined,
    ip: c.ip ?? "127.0.0.1",
    cookie: ourCookies[i],
  };
  return [base, { ...base, secret: SECRET + "!" }];
});

const timeoutCookies = HASHES.map((hashalg) =>
  cookiePair(
    new AuthTktCookieHelper(SECRET, { hashalg, now: () => NOW - 100 })
      .remember(makeRequest(), "bob")[0][1],
  )
);
const timeouts = HASHES.flatMap((hashalg, i) => [
  { op: "identify", secret: SECRET, hashalg, cookie: timeoutCookies[i], timeout: 50, now: NOW },
  { op: "identify", secret: SECRET, hashalg, cookie: timeoutCookies[i], timeout: 150, now: NOW },
]);

// Two auth_tkt cookies in one header: which one counts.
const good = ourCookies[0];
const duplicates = [`auth_tkt=garbage; ${good}`, `${good}; auth_tkt=garbage`].map((cookie) => ({
  op: "identify",
  secret: SECRET,
  hashalg: CASES[0].hashalg,
  cookie,
}));

// Python's quote/unquote, which the ticket format uses for the userid.
const TEXTS = [
  "plain",
  "a b+c/d",
  "é 日本 🎉",
  "100%",
  "%zz%",
  "%C3%A9",
  "%C3",
  "%FF%FEabc",
  "a%2",
  "~_.-!*'()",
];
const quoting = [
  ...TEXTS.map((text) => ({ op: "quote", text })),
  ...TEXTS.map((text) => ({ op: "unquote", text })),
];

const ALL = [...pyramidWrites, ...pyramidReads, ...timeouts, ...duplicates, ...quoting];
// deno-lint-ignore no-explicit-any
const answers: any[] = missing ? [] : await pyramid(ALL);
let at = 0;
const take = (n: number) => answers.slice(at, at += n);
const written = take(pyramidWrites.length) as { set_cookie: string[] }[];
const read = take(pyramidReads.length) as {
  identity: Record<string, unknown> | null;
  error?: string;
}[];
const timedOut = take(timeouts.length) as { identity: unknown }[];
const duplicated = take(duplicates.length) as { identity: { userid: unknown } | null }[];
const quoted = take(quoting.length) as { text: string }[];

Deno.test({
  name: "Pyramid writes, @aio/pyramid reads: every hash, userid type, tokens, include_ip",
  ignore: missing !== null,
  fn() {
    for (const [i, c] of CASES.entries()) {
      const label = `${c.hashalg} ${JSON.stringify(c.userid)} ${c.tokens} ${c.ip}`;
      const cookie = cookiePair(written[i].set_cookie[0]);
      const identity = helper(c).identify(makeRequest({ cookie, ip: c.ip }));
      assert.ok(identity, `Pyramid's cookie was refused: ${label}\n${cookie}`);
      assert.equal(identity.timestamp, TIME);
      // Same inputs, same clock: the very same cookie value, byte for byte.
      const ours = new AuthTktCookieHelper(SECRET, {
        hashalg: c.hashalg,
        includeIp: c.ip !== undefined,
        now: () => TIME,
      }).remember(makeRequest({ ip: c.ip }), toJs(c.userid), { tokens: c.tokens });
      assert.equal(cookiePair(ours[0][1]), cookie, label);
      assert.deepEqual(identity.userid, toJs(c.userid), label);
      assert.deepEqual(identity.tokens, c.tokens.length ? c.tokens : [""], label);
      assert.match(identity.userData, /^userid_type:(b64unicode|int|b64str)$/);
      // A different secret, another hash algorithm, or another address refuses it.
      assert.equal(helper(c, SECRET + "!").identify(makeRequest({ cookie, ip: c.ip })), null);
      const other = c.hashalg === "md5" ? "sha1" : "md5";
      assert.equal(
        new AuthTktCookieHelper(SECRET, { hashalg: other, includeIp: c.ip !== undefined })
          .identify(makeRequest({ cookie, ip: c.ip })),
        null,
      );
      if (c.ip) {
        assert.equal(helper(c).identify(makeRequest({ cookie, ip: "198.51.100.1" })), null);
      }
    }
  },
});

Deno.test({
  name: "@aio/pyramid writes, Pyramid reads: every hash, userid type, tokens, include_ip",
  ignore: missing !== null,
  fn() {
    for (const [i, c] of CASES.entries()) {
      const label = `${c.hashalg} ${JSON.stringify(c.userid)} ${c.tokens} ${c.ip}`;
      const ours = read[2 * i];
      assert.equal(ours.error, undefined, label);
      assert.ok(ours.identity, `Pyramid refused our cookie: ${label}\n${ourCookies[i]}`);
      assert.deepEqual(ours.identity.userid, fromJs(toJs(c.userid)), label);
      assert.deepEqual(ours.identity.tokens, c.tokens.length ? c.tokens : [""], label);
      assert.equal(read[2 * i + 1].identity, null, `wrong secret accepted: ${label}`);
    }
  },
});

Deno.test({
  name: "timeouts agree: a ticket past its timeout is refused by both sides",
  ignore: missing !== null,
  fn() {
    for (const [i, hashalg] of HASHES.entries()) {
      const request = makeRequest({ cookie: timeoutCookies[i] });
      const at = (timeout: number) =>
        new AuthTktCookieHelper(SECRET, { hashalg, timeout, now: () => NOW }).identify(request);
      assert.equal(timedOut[2 * i].identity, null);
      assert.equal(at(50), null);
      assert.notEqual(timedOut[2 * i + 1].identity, null);
      assert.equal(at(150)?.userid, "bob");
    }
  },
});

Deno.test({
  name: "two auth_tkt cookies in one header: the last one counts, as in WebOb",
  ignore: missing !== null,
  fn() {
    for (const [i, { cookie }] of duplicates.entries()) {
      const ours = helper(CASES[0]).identify(makeRequest({ cookie }));
      assert.deepEqual(
        ours?.userid ?? null,
        duplicated[i].identity === null ? null : toJs(CASES[0].userid),
      );
    }
    assert.notEqual(duplicated[0].identity, null);
    assert.equal(duplicated[1].identity, null);
  },
});

Deno.test({
  name: "the userid's quote/unquote match Python's urllib.parse, malformed escapes included",
  ignore: missing !== null,
  fn() {
    for (const [i, text] of TEXTS.entries()) {
      assert.equal(pyQuote(text), quoted[i].text, `quote ${text}`);
      assert.equal(pyUnquote(text), quoted[TEXTS.length + i].text, `unquote ${text}`);
    }
  },
});
