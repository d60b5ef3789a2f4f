// SignedCookieSessionFactory against Debian's python3-pyramid (Pyramid 2.0): cookies
// written by either side are read by the other; bad cookies are new sessions.
import assert from "node:assert/strict";
import {
  Session,
  SignedCookieSessionFactory,
  type SignedCookieSessionOptions,
} from "../../src/session/mod.ts";
import { ConfigurationError } from "../../src/errors.ts";
import { ensurePython, PythonPeer } from "../_python_peer.ts";
import { capturingErrors, cookieValue, FakeRequest, setCookies } from "./_fake.ts";

const unavailable = await ensurePython(["pyramid.session", "webob"], ["python3-pyramid"]);
if (unavailable) console.log(`SKIPPING the Pyramid interop tests: ${unavailable}.`);

const PYRAMID = `
import time as _time
import pyramid.session
_real_time = _time.time
from pyramid.session import SignedCookieSessionFactory
from pyramid.request import Request
from pyramid.response import Response

def at(now):
    # Pyramid reads time.time() through its module; pin it for timeout tests.
    pyramid.session.time.time = (lambda: now) if now is not None else _real_time

def factory(args):
    return SignedCookieSessionFactory(args["secret"], **args.get("opts", {}))

def request_with(args):
    headers = {}
    if args.get("cookie") is not None:
        headers["Cookie"] = "session=" + args["cookie"]
    return Request.blank("/", headers=headers)

def respond(request):
    response = Response()
    request._process_response_callbacks(response)
    return response.headers.getall("Set-Cookie")

def handle(op, args):
    at(args.get("now"))
    session_factory = factory(args)
    request = request_with(args)
    session = session_factory(request)
    if op == "write":
        session.update(args["data"])
        return respond(request)
    if op == "read":
        return {"new": session.new, "data": dict(session), "created": session.created,
                "renewed": session.renewed}
    if op == "ops":
        results = []
        for name, *params in args["ops"]:
            if name == "flash":
                session.flash(params[0], queue=params[1], allow_duplicate=params[2])
                results.append(None)
            elif name == "peek_flash":
                results.append(session.peek_flash(params[0]))
            elif name == "pop_flash":
                results.append(session.pop_flash(params[0]))
            elif name == "set":
                session[params[0]] = params[1]
                results.append(None)
            elif name == "get":
                results.append(session.get(params[0]))
            elif name == "delete":
                del session[params[0]]
                results.append(None)
        return {"results": results, "data": dict(session), "cookies": len(respond(request))}
    raise ValueError(op)
`;

const SECRET = "0123456789abcdef".repeat(4);

const DATA = {
  user: "ada",
  n: 42,
  ratio: 0.5,
  ok: true,
  none: null,
  list: [1, "two", { three: 3 }],
  unicode: "héllo ☃ 😀",
  _f_: ["saved!"],
  _csrft_: "a".repeat(40),
};

async function ours(
  cookie: string | undefined,
  options: SignedCookieSessionOptions = {},
  secret = SECRET,
) {
  const request = new FakeRequest(cookie === undefined ? {} : { session: cookie });
  const session = await SignedCookieSessionFactory(secret, options)(request);
  return { request, session };
}

Deno.test({
  name: "SignedCookieSessionFactory interoperates with Pyramid 2's, both directions",
  ignore: unavailable !== undefined,
  async fn(t) {
    const pyramid = new PythonPeer(PYRAMID);
    try {
      await t.step("a cookie Pyramid wrote is read here", async () => {
        const [header] = await pyramid.call<string[]>("write", { secret: SECRET, data: DATA });
        const cookie = header.split(";")[0].slice("session=".length);
        const { session } = await ours(cookie);
        assert.equal(session.new, false);
        assert.deepEqual(Object.fromEntries(session.entries()), DATA);
        assert.deepEqual(session.peekFlash(), ["saved!"]);
        assert.equal(session.getCsrfToken(), "a".repeat(40));
        const seen = await pyramid.call<{ created: number }>("read", {
          secret: SECRET,
          cookie,
        });
        assert.equal(session.created, seen.created);
      });

      await t.step("a cookie written here is read by Pyramid", async () => {
        const { request, session } = await ours(undefined);
        for (const [key, value] of Object.entries(DATA)) session.set(key, value);
        const cookie = cookieValue(await request.respond(), "session")!;
        const seen = await pyramid.call<{
          new: boolean;
          data: unknown;
          created: number;
          renewed: number;
        }>("read", { secret: SECRET, cookie });
        assert.equal(seen.new, false);
        assert.deepEqual(seen.data, DATA);
        assert.equal(seen.created, session.created);
        assert.equal(seen.renewed, session.accessed);
      });

      await t.step("salt, hashalg and a non-latin-1 secret agree too", async () => {
        const variants: [string, SignedCookieSessionOptions, Record<string, unknown>][] = [
          [SECRET, { salt: "my.app." }, { salt: "my.app." }],
          [SECRET, { hashalg: "sha256" }, { hashalg: "sha256" }],
          [SECRET, { hashalg: "sha1", salt: "" }, { hashalg: "sha1", salt: "" }],
          ["sécret-latin1", {}, {}],
          ["秘密-utf8-only", { salt: "sält." }, { salt: "sält." }],
        ];
        for (const [secret, options, opts] of variants) {
          const [header] = await pyramid.call<string[]>("write", {
            secret,
            opts,
            data: { from: "pyramid" },
          });
          const theirs = await ours(header.split(";")[0].slice(8), options, secret);
          assert.deepEqual(theirs.session.toJSON(), { from: "pyramid" }, JSON.stringify(opts));
          const mine = await ours(undefined, options, secret);
          mine.session.set("from", "deno");
          const cookie = cookieValue(await mine.request.respond(), "session");
          const seen = await pyramid.call<{ data: unknown }>("read", { secret, opts, cookie });
          assert.deepEqual(seen.data, { from: "deno" }, JSON.stringify(opts));
          // A different salt is a different key: neither side accepts the other's cookie.
          const other = await ours(cookie, { ...options, salt: "other." }, secret);
          assert.equal(other.session.new, true);
        }
      });

      await t.step("flash queues and values behave as Pyramid's, step by step", async () => {
        const ops: [string, ...unknown[]][] = [
          ["flash", "one", "", true],
          ["flash", "one", "", true],
          ["flash", "one", "", false],
          ["flash", { html: "<b>" }, "errors", true],
          ["flash", { html: "<b>" }, "errors", false],
          ["peek_flash", ""],
          ["peek_flash", "errors"],
          ["pop_flash", ""],
          ["pop_flash", ""],
          ["peek_flash", "nothing"],
          ["set", "k", [1, 2]],
          ["get", "k"],
          ["get", "missing"],
          ["delete", "k"],
        ];
        const theirs = await pyramid.call<{ results: unknown[]; data: unknown; cookies: number }>(
          "ops",
          { secret: SECRET, ops },
        );
        const { request, session } = await ours(undefined);
        const results = ops.map(([name, ...p]) => {
          switch (name) {
            case "flash":
              return session.flash(p[0], {
                queue: p[1] as string,
                allowDuplicate: p[2] as boolean,
              }) ??
                null;
            case "peek_flash":
              return session.peekFlash(p[0] as string);
            case "pop_flash":
              return session.popFlash(p[0] as string);
            case "set":
              return session.set(p[0] as string, p[1]) ?? null;
            case "get":
              return session.get(p[0] as string) ?? null;
            default:
              session.delete(p[0] as string);
              return null;
          }
        });
        assert.deepEqual(results, theirs.results);
        assert.deepEqual(session.toJSON(), theirs.data);
        assert.equal(setCookies(await request.respond(), "session").length, theirs.cookies);
      });

      await t.step("timeout: both sides empty a session not saved for `timeout` s", async () => {
        const now = Math.floor(Date.now() / 1000);
        const [header] = await pyramid.call<string[]>("write", {
          secret: SECRET,
          data: { old: true },
          now: now - 1201,
        });
        const cookie = header.split(";")[0].slice(8);
        const { session } = await ours(cookie);
        assert.deepEqual(session.toJSON(), {});
        assert.equal(session.new, false, "Pyramid keeps `new` false for a timed-out session");
        const seen = await pyramid.call<{ data: unknown }>("read", { secret: SECRET, cookie });
        assert.deepEqual(seen.data, {});
        const longer = await ours(cookie, { timeout: 3600 });
        assert.deepEqual(longer.session.toJSON(), { old: true });
        const never = await ours(cookie, { timeout: null });
        assert.deepEqual(never.session.toJSON(), { old: true });
      });

      await t.step("cookie attributes match Pyramid's for the same options", async () => {
        const opts = {
          max_age: 3600,
          path: "/app",
          domain: "example.com",
          secure: true,
          httponly: true,
          samesite: "Strict",
        };
        const [theirs] = await pyramid.call<string[]>("write", { secret: SECRET, opts, data: {} });
        const mine = await ours(undefined, {
          maxAge: 3600,
          path: "/app",
          domain: "example.com",
          secure: true,
          httponly: true,
          samesite: "Strict",
        });
        mine.session.set("x", 1);
        const [header] = setCookies(await mine.request.respond(), "session");
        const attributes = (cookie: string) =>
          cookie.split(";").slice(1).map((a) => a.trim().toLowerCase())
            .filter((a) => !a.startsWith("expires=")).sort();
        assert.deepEqual(attributes(header), attributes(theirs));
        assert.match(header, /Expires=/i);
      });
    } finally {
      await pyramid.close();
    }
  },
});

Deno.test("SignedCookieSessionFactory: bad cookies are new, empty sessions", async () => {
  const good = await ours(undefined);
  good.session.set("user", "ada");
  const cookie = cookieValue(await good.request.respond(), "session")!;
  assert.deepEqual((await ours(cookie)).session.toJSON(), { user: "ada" });

  const flipped = cookie.slice(0, 10) + (cookie[10] === "A" ? "B" : "A") + cookie.slice(11);
  const cases: Record<string, string> = {
    "tampered signature": flipped,
    "tampered data": cookie.slice(0, -3) + (cookie.at(-3) === "x" ? "y" : "x") + cookie.slice(-2),
    truncated: cookie.slice(0, cookie.length - 20),
    "signature only": cookie.slice(0, 86),
    empty: "",
    "not base64": "%%%not*base64!!",
    oversized: "A".repeat(5000),
    "valid base64, too short": "AAAA",
  };
  for (const [label, value] of Object.entries(cases)) {
    const { session, request } = await ours(value);
    assert.equal(session.new, true, label);
    assert.deepEqual(session.toJSON(), {}, label);
    // Reading a new session does not write a cookie.
    session.get("user");
    assert.equal(setCookies(await request.respond(), "session").length, 0, label);
  }
  const wrongSecret = await ours(cookie, {}, "another-secret".repeat(5));
  assert.equal(wrongSecret.session.new, true);

  // A signed value that is not Pyramid's [renewed, created, data] triple.
  const { SignedSerializer } = await import("../../src/session/mod.ts");
  const serializer = new SignedSerializer(SECRET);
  for (const payload of [{ a: 1 }, [1, 2], ["x", 1, {}], [1, 2, [3]], "text"]) {
    const { session } = await ours(await serializer.dumps(payload));
    assert.equal(session.new, true, JSON.stringify(payload));
  }
});

Deno.test("SignedCookieSessionFactory: saved once, only when changed", async (t) => {
  await t.step("a new session that is only read sets no cookie", async () => {
    const { request, session } = await ours(undefined);
    assert.equal(session.get("x"), undefined);
    assert.equal(session.has("x"), false);
    assert.equal(setCookies(await request.respond(), "session").length, 0);
  });

  await t.step("many changes, one Set-Cookie", async () => {
    const { request, session } = await ours(undefined);
    session.set("a", 1);
    session.set("b", 2);
    session.flash("hi");
    session.delete("a");
    assert.equal(request.callbacks.length, 1);
    const response = await request.respond();
    assert.equal(setCookies(response, "session").length, 1);
    const again = await ours(cookieValue(response, "session"));
    assert.deepEqual(again.session.toJSON(), { b: 2, _f_: ["hi"] });
  });

  await t.step("reissueTime: reading re-saves once the time has passed; null never", async () => {
    const serializer = new (await import("../../src/session/mod.ts")).SignedSerializer(SECRET);
    const now = Math.floor(Date.now() / 1000);
    const old = await serializer.dumps([now - 100, now - 100, { a: 1 }]);
    for (
      const [options, expected] of [
        [{}, 1],
        [{ reissueTime: 50 }, 1],
        [{ reissueTime: 500 }, 0],
        [{ reissueTime: null }, 0],
      ] as [SignedCookieSessionOptions, number][]
    ) {
      const { request, session } = await ours(old, options);
      assert.equal(session.get("a"), 1);
      const response = await request.respond();
      assert.equal(setCookies(response, "session").length, expected, JSON.stringify(options));
      if (expected) {
        const reread = await ours(cookieValue(response, "session"));
        assert.ok(reread.session.renewed >= now, "the reissued cookie carries a new time");
      }
    }
  });

  await t.step("invalidate() expires the cookie; invalidate then set starts afresh", async () => {
    const first = await ours(undefined);
    first.session.set("user", "ada");
    const cookie = cookieValue(await first.request.respond(), "session")!;
    const { request, session } = await ours(cookie);
    session.invalidate();
    assert.equal(session.new, true);
    const [header] = setCookies(await request.respond(), "session");
    assert.match(header, /^session=;.*Max-Age=0/);
    const again = await ours(cookie);
    again.session.invalidate();
    again.session.set("user", "grace");
    const next = await ours(cookieValue(await again.request.respond(), "session"));
    assert.deepEqual(next.session.toJSON(), { user: "grace" });
  });

  await t.step("setOnException false: no cookie when the view raised", async () => {
    for (const setOnException of [true, false]) {
      const { request, session } = await ours(undefined, { setOnException });
      session.set("a", 1);
      request.exception = new Error("boom");
      const count = setCookies(await request.respond(), "session").length;
      assert.equal(count, setOnException ? 1 : 0);
    }
  });

  await t.step("httponly and SameSite=Lax by default", async () => {
    const { request, session } = await ours(undefined);
    session.set("a", 1);
    const [header] = setCookies(await request.respond(), "session");
    assert.match(header, /; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.doesNotMatch(header, /Max-Age|Secure/);
  });
});

Deno.test("SignedCookieSessionFactory: a session over 4,096 bytes is logged, not sent", async () => {
  const { request, session } = await ours(undefined);
  session.set("big", "x".repeat(5000));
  let response: Response | undefined;
  const errors = await capturingErrors(async () => {
    response = await request.respond();
  });
  assert.equal(response!.status, 200);
  assert.equal(setCookies(response!, "session").length, 0);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /The session cookie 'session' would be \d{4} bytes, over the 4096/);
  const size = Number(/would be (\d+) bytes/.exec(errors[0])![1]);
  assert.ok(size > 4096 && size < 7000, `size ${size}`);
});

Deno.test("Session: values are JSON; what JSON cannot carry is refused where it is set", () => {
  const session = new Session();
  const date = new Date(0);
  session.set("when", date);
  assert.equal(session.get("when"), "1970-01-01T00:00:00.000Z");
  const list = [1, 2];
  session.set("list", list);
  list.push(3);
  assert.deepEqual(session.get("list"), [1, 2], "the session keeps a copy");
  assert.throws(() => session.set("n", 1n), /cannot be stored as JSON.*Store plain data/);
  assert.throws(() => session.set("u", undefined), /is undefined.*session.delete\(key\)/);
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.throws(() => session.set("c", cycle), /cannot be stored as JSON/);
  assert.deepEqual(session.keys(), ["when", "list"]);
});

Deno.test("SignedCookieSessionFactory: bad options are refused with a fix", () => {
  assert.throws(() => SignedCookieSessionFactory(""), ConfigurationError);
  assert.throws(() => SignedCookieSessionFactory(SECRET, { hashalg: "md5" }), /hashalg "md5"/);
  assert.throws(() => SignedCookieSessionFactory(SECRET, { cookieName: "a b" }), /cookie name/);
  assert.throws(() => SignedCookieSessionFactory(SECRET, { timeout: -1 }), /timeout must be/);
  assert.throws(
    () => SignedCookieSessionFactory(SECRET, { samesite: "None" }),
    /needs secure: true/,
  );
  assert.throws(
    () => SignedCookieSessionFactory(SECRET, { maxAge: 10 ** 9 }),
    /over 400 days/,
  );
});
