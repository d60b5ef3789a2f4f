// Differential tests: auth_tkt cookies written by Debian's Pyramid are read here, and cookies
// written here are read by Pyramid, for every hash algorithm, userid type, tokens and
// include_ip — one Python process per direction, cases batched as JSON.

import assert from "node:assert/strict";
import { AuthTktCookieHelper, type TicketHashAlgorithm } from "../../mod.ts";
import { cookiePair, makeRequest, pyramid, pyramidMissing } from "./_helpers.ts";

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

Deno.test({
  name: "Pyramid writes, @aio/pyramid reads: every hash, userid type, tokens, include_ip",
  ignore: missing !== null,
  async fn() {
    const time = Math.floor(Date.now() / 1000) - 5;
    const written = await pyramid<{ set_cookie: string[] }>(CASES.map((c) => ({
      op: "remember",
      time,
      secret: SECRET,
      hashalg: c.hashalg,
      userid: c.userid,
      tokens: c.tokens,
      include_ip: c.ip !== undefined,
      ip: c.ip ?? "127.0.0.1",
    })));
    for (const [i, c] of CASES.entries()) {
      const label = `${c.hashalg} ${JSON.stringify(c.userid)} ${c.tokens} ${c.ip}`;
      const cookie = cookiePair(written[i].set_cookie[0]);
      const identity = helper(c).identify(makeRequest({ cookie, ip: c.ip }));
      assert.ok(identity, `Pyramid's cookie was refused: ${label}\n${cookie}`);
      assert.equal(identity.timestamp, time);
      // Same inputs, same clock: the very same cookie value, byte for byte.
      const ours = new AuthTktCookieHelper(SECRET, {
        hashalg: c.hashalg,
        includeIp: c.ip !== undefined,
        now: () => time,
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
  async fn() {
    const headers = CASES.map((c) =>
      helper(c).remember(makeRequest({ ip: c.ip }), toJs(c.userid), { tokens: c.tokens })
    );
    const read = await pyramid<{ identity: Record<string, unknown> | null; error?: string }>(
      CASES.flatMap((c, i) => {
        const base = {
          op: "identify",
          secret: SECRET,
          hashalg: c.hashalg,
          include_ip: c.ip !== undefined,
          ip: c.ip ?? "127.0.0.1",
          cookie: cookiePair(headers[i][0][1]),
        };
        return [base, { ...base, secret: SECRET + "!" }];
      }),
    );
    for (const [i, c] of CASES.entries()) {
      const label = `${c.hashalg} ${JSON.stringify(c.userid)} ${c.tokens} ${c.ip}`;
      const ours = read[2 * i];
      assert.equal(ours.error, undefined, label);
      assert.ok(ours.identity, `Pyramid refused our cookie: ${label}\n${headers[i][0][1]}`);
      assert.deepEqual(ours.identity.userid, fromJs(toJs(c.userid)), label);
      assert.deepEqual(ours.identity.tokens, c.tokens.length ? c.tokens : [""], label);
      assert.equal(read[2 * i + 1].identity, null, `wrong secret accepted: ${label}`);
    }
  },
});

Deno.test({
  name: "timeouts agree: a ticket past its timeout is refused by both sides",
  ignore: missing !== null,
  async fn() {
    const now = Math.floor(Date.now() / 1000);
    const cases = HASHES.map((hashalg) => ({ hashalg, userid: "bob" }));
    const cookies = cases.map((c) =>
      cookiePair(
        new AuthTktCookieHelper(SECRET, { hashalg: c.hashalg, now: () => now - 100 })
          .remember(makeRequest(), c.userid)[0][1],
      )
    );
    const answers = await pyramid<{ identity: unknown }>(cases.flatMap((c, i) => [
      { op: "identify", secret: SECRET, hashalg: c.hashalg, cookie: cookies[i], timeout: 50, now },
      { op: "identify", secret: SECRET, hashalg: c.hashalg, cookie: cookies[i], timeout: 150, now },
    ]));
    for (const [i, c] of cases.entries()) {
      const request = makeRequest({ cookie: cookies[i] });
      const at = (timeout: number) =>
        new AuthTktCookieHelper(SECRET, { hashalg: c.hashalg, timeout, now: () => now })
          .identify(request);
      assert.equal(answers[2 * i].identity, null);
      assert.equal(at(50), null);
      assert.notEqual(answers[2 * i + 1].identity, null);
      assert.equal(at(150)?.userid, "bob");
    }
  },
});
