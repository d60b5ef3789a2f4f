// Fernet and EncryptedCookieSessionFactory against Debian's python3-cryptography: tokens
// and aiohttp_session-style cookies made by either side are opened by the other.
import assert from "node:assert/strict";
import {
  EncryptedCookieSessionFactory,
  Fernet,
  type SessionOptions,
} from "../../src/session/mod.ts";
import { ConfigurationError } from "../../src/errors.ts";
import { ensurePython, PythonPeer } from "../_python_peer.ts";
import { cookieValue, FakeRequest, setCookies } from "./_fake.ts";

const unavailable = await ensurePython(["cryptography.fernet"], ["python3-cryptography"]);
if (unavailable) console.log(`SKIPPING the Fernet interop tests: ${unavailable}.`);

// What aiohttp_session's EncryptedCookieStorage does with a session: Fernet over
// json.dumps({"created": int, "session": {...}}), and back with ttl=max_age.
const CRYPTOGRAPHY = `
import base64, json, time
from cryptography.fernet import Fernet, InvalidToken

def handle(op, args):
    fernet = Fernet(args["key"].encode())
    if op == "encrypt":
        data = args["text"].encode()
        if args.get("at") is not None:
            return fernet.encrypt_at_time(data, args["at"]).decode()
        return fernet.encrypt(data).decode()
    if op == "decrypt":
        try:
            return fernet.decrypt(args["token"].encode(), ttl=args.get("ttl")).decode()
        except InvalidToken:
            return None
    if op == "aiohttp_save":
        payload = {"created": args["created"], "session": args["session"]}
        return fernet.encrypt(json.dumps(payload).encode("utf-8")).decode("utf-8")
    if op == "aiohttp_load":
        try:
            return json.loads(fernet.decrypt(args["cookie"].encode("utf-8"), ttl=args.get("max_age")).decode("utf-8"))
        except InvalidToken:
            return None
    if op == "timestamp":
        return Fernet.extract_timestamp(fernet, args["token"].encode())
    raise ValueError(op)
`;

function randomKey(): { raw: Uint8Array; text: string } {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const text = btoa(String.fromCharCode(...raw)).replaceAll("+", "-").replaceAll("/", "_");
  return { raw, text };
}

const KEY = randomKey();

async function ours(cookie: string | undefined, options: SessionOptions = {}, key = KEY.text) {
  const request = new FakeRequest(cookie === undefined ? {} : { AIOHTTP_SESSION: cookie });
  const session = await EncryptedCookieSessionFactory(key, options)(request);
  return { request, session };
}

Deno.test({
  name: "Fernet and the encrypted cookie interoperate with Python cryptography / aiohttp_session",
  ignore: unavailable !== undefined,
  async fn(t) {
    const python = new PythonPeer(CRYPTOGRAPHY);
    const fernet = new Fernet(KEY.text);
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    try {
      await t.step("tokens from Python open here, tokens from here open in Python", async () => {
        for (const text of ["", "x", "sixteen bytes!!!", "héllo ☃ 😀".repeat(40)]) {
          const theirs = await python.call<string>("encrypt", { key: KEY.text, text });
          const opened = await fernet.decrypt(theirs);
          assert.equal(decoder.decode(opened!.data), text);
          const mine = await fernet.encrypt(encoder.encode(text));
          assert.equal(await python.call("decrypt", { key: KEY.text, token: mine }), text);
          assert.equal(
            await python.call("timestamp", { key: KEY.text, token: mine }),
            (await fernet.decrypt(mine))!.timestamp,
          );
        }
      });

      await t.step("raw bytes and their base64 are the same key", async () => {
        const token = await new Fernet(KEY.raw).encrypt(encoder.encode("same"));
        assert.equal(await python.call("decrypt", { key: KEY.text, token }), "same");
      });

      await t.step(
        "ttl and the clock: old and future tokens are refused on both sides",
        async () => {
          const now = Math.floor(Date.now() / 1000);
          const old = await python.call<string>("encrypt", {
            key: KEY.text,
            text: "o",
            at: now - 100,
          });
          assert.equal((await fernet.decrypt(old, { ttl: 200 }))?.timestamp, now - 100);
          assert.equal(await fernet.decrypt(old, { ttl: 50 }), undefined);
          const future = await python.call<string>("encrypt", {
            key: KEY.text,
            text: "f",
            at: now + 3600,
          });
          assert.equal(await fernet.decrypt(future), undefined);
          const mineOld = await fernet.encrypt(encoder.encode("o"), now - 100);
          assert.equal(
            await python.call("decrypt", { key: KEY.text, token: mineOld, ttl: 50 }),
            null,
          );
          assert.equal(
            await python.call("decrypt", { key: KEY.text, token: mineOld, ttl: 200 }),
            "o",
          );
        },
      );

      await t.step("an aiohttp_session cookie is read here", async () => {
        const created = Math.floor(Date.now() / 1000) - 30;
        const cookie = await python.call<string>("aiohttp_save", {
          key: KEY.text,
          created,
          session: { user: "ada", cart: [1, 2], _f_: ["hi"] },
        });
        const { session } = await ours(cookie);
        assert.equal(session.new, false);
        assert.equal(session.created, created);
        assert.deepEqual(session.toJSON(), { user: "ada", cart: [1, 2], _f_: ["hi"] });
        assert.deepEqual(session.popFlash(), ["hi"]);
      });

      await t.step("a cookie written here is read by aiohttp_session", async () => {
        const { request, session } = await ours(undefined, { maxAge: 3600 });
        session.set("user", "grace");
        session.flash("saved");
        const cookie = cookieValue(await request.respond(), "AIOHTTP_SESSION")!;
        const loaded = await python.call<{ created: number; session: unknown }>("aiohttp_load", {
          key: KEY.text,
          cookie,
          max_age: 3600,
        });
        assert.deepEqual(loaded.session, { user: "grace", _f_: ["saved"] });
        assert.equal(loaded.created, Math.floor(session.created));
        // aiohttp_session stores `created` as whole seconds.
        assert.ok(Number.isInteger(loaded.created));
      });
    } finally {
      await python.close();
    }
  },
});

Deno.test("EncryptedCookieSessionFactory: bad cookies are new, empty sessions", async () => {
  const good = await ours(undefined);
  good.session.set("user", "ada");
  const cookie = cookieValue(await good.request.respond(), "AIOHTTP_SESSION")!;
  assert.deepEqual((await ours(cookie)).session.toJSON(), { user: "ada" });
  assert.doesNotMatch(cookie, /ada/, "the value is not readable in the cookie");

  const fernet = new Fernet(KEY.text);
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  const mid = Math.floor(cookie.length / 2);
  const cases: Record<string, string> = {
    "tampered ciphertext": cookie.slice(0, mid) + (cookie[mid] === "A" ? "B" : "A") +
      cookie.slice(mid + 1),
    "tampered MAC": cookie.slice(0, -5) + (cookie.at(-5) === "A" ? "B" : "A") + cookie.slice(-4),
    truncated: cookie.slice(0, cookie.length - 24),
    "header only": cookie.slice(0, 34),
    empty: "",
    "not base64": "!!!",
    oversized: "A".repeat(5000),
    "another key": await new Fernet(randomKey().raw).encrypt(encode({ created: now, session: {} })),
    "from the future": await fernet.encrypt(encode({ created: now, session: { a: 1 } }), now + 600),
    "not JSON": await fernet.encrypt(new TextEncoder().encode("not json")),
    "JSON, wrong shape": await fernet.encrypt(encode([1, 2, 3])),
    "session not an object": await fernet.encrypt(encode({ created: now, session: [1] })),
  };
  for (const [label, value] of Object.entries(cases)) {
    const { session, request } = await ours(value);
    assert.equal(session.new, true, label);
    assert.deepEqual(session.toJSON(), {}, label);
    assert.equal(setCookies(await request.respond(), "AIOHTTP_SESSION").length, 0, label);
  }

  // Expired: older than maxAge (aiohttp_session's ttl) → new; older than timeout → emptied.
  const old = await fernet.encrypt(encode({ created: now - 5000, session: { a: 1 } }), now - 5000);
  assert.equal((await ours(old, { maxAge: 3600, timeout: null })).session.new, true);
  const timedOut = await ours(old, { timeout: 1200 });
  assert.deepEqual(timedOut.session.toJSON(), {});
  assert.deepEqual((await ours(old, { timeout: null })).session.toJSON(), { a: 1 });
});

Deno.test("EncryptedCookieSessionFactory: keys must be 32 bytes", () => {
  assert.throws(() => EncryptedCookieSessionFactory("short"), ConfigurationError);
  assert.throws(
    () => EncryptedCookieSessionFactory(new Uint8Array(16)),
    /must be 32 random bytes.*got 16 bytes/,
  );
  assert.throws(() => new Fernet("not base64 at all!!"), /44 characters/);
  EncryptedCookieSessionFactory(KEY.raw);
  EncryptedCookieSessionFactory(KEY.text);
});
