// Trusted hosts over real sockets: Deno builds request.url from Host + target, so each bad
// Host form must be a 400 before routing; aio.allowed_hosts; forwarded headers only from
// aio.trusted_proxies; routeUrl writes only trusted hosts.
import assert from "node:assert/strict";
import { Configurator, type PyramidRequest } from "@aio/pyramid";
import { serve } from "@aio/pyramid/serve";

async function withServer(
  settings: Record<string, string>,
  fn: (port: number) => Promise<void>,
): Promise<void> {
  const config = new Configurator({ settings });
  for (const name of ["ping", "json", "x", "link"]) config.addRoute(name, `/${name}`);
  for (const name of ["ping", "json", "x"]) {
    config.addView(async () => new Response(`${name} view`), { routeName: name });
  }
  config.addView(async (request: PyramidRequest) => new Response(request.routeUrl("ping")), {
    routeName: "link",
  });
  const app = await config.makeApp();
  const server = serve(app, { port: 0 });
  try {
    await fn(server.addr.port);
  } finally {
    await server.shutdown();
  }
}

// One HTTP/1.1 request written by hand, so the Host header is exactly what we say.
async function send(
  port: number,
  target: string,
  headers: string[],
): Promise<{ status: number; body: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const text = `GET ${target} HTTP/1.1\r\n${headers.map((h) => `${h}\r\n`).join("")}` +
    `Accept: text/plain\r\nConnection: close\r\n\r\n`;
  await conn.write(new TextEncoder().encode(text));
  const answer = await new Response(conn.readable).text();
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
  return { status, body: answer.slice(answer.indexOf("\r\n\r\n") + 4) };
}

const BAD_HOSTS = [
  "127.0.0.1/json#",
  "evil.example/x?y#z",
  "127.0.0.1:80/json",
  "a b",
  "host:99999",
  "host:port",
  "[::1",
  "under_score.example",
  "evil.example@127.0.0.1",
  "",
];

Deno.test("host: each malformed Host is a 400 before routing, and the server keeps serving", async () => {
  await withServer({}, async (port) => {
    for (const host of BAD_HOSTS) {
      const answer = await send(port, "/ping", [`Host: ${host}`]);
      // hyper itself refuses some forms (a space) with its own 400; the rest are ours.
      assert.equal(answer.status, 400, `Host: ${host} → ${answer.status} ${answer.body}`);
      assert.doesNotMatch(answer.body, /json view|x view/);
    }
    const own = await send(port, "/ping", ["Host: 127.0.0.1/json#"]);
    assert.match(own.body, /The Host header "127\.0\.0\.1\/json#" is not a valid host\[:port\]/);
    for (const host of [`127.0.0.1:${port}`, "localhost", "[::1]:8080", "Example.COM."]) {
      const answer = await send(port, "/ping", [`Host: ${host}`]);
      assert.equal(answer.status, 200, host);
      assert.equal(answer.body, "ping view");
    }
  });
});

Deno.test("host: aio.allowed_hosts — exact names, .suffixes, matched without the port", async () => {
  await withServer({ "aio.allowed_hosts": "example.com .example.org [::1]" }, async (port) => {
    for (
      const host of [
        "example.com",
        "example.com:8080",
        "EXAMPLE.com",
        "example.org",
        "a.b.example.org",
        "[::1]:1",
      ]
    ) {
      assert.equal((await send(port, "/ping", [`Host: ${host}`])).status, 200, host);
    }
    for (const host of ["evil.com", "www.example.com", "notexample.org", "127.0.0.1"]) {
      const answer = await send(port, "/ping", [`Host: ${host}`]);
      assert.equal(answer.status, 400, host);
      assert.match(
        answer.body,
        /is not served here\. If it should be, add it to aio\.allowed_hosts/,
      );
    }
  });
});

Deno.test("host: X-Forwarded-Host/-Proto are believed only from aio.trusted_proxies", async () => {
  const forwarded = ["X-Forwarded-Host: public.example.com", "X-Forwarded-Proto: https"];
  await withServer({}, async (port) => {
    const answer = await send(port, "/link", [`Host: 127.0.0.1:${port}`, ...forwarded]);
    assert.equal(answer.body, `http://127.0.0.1:${port}/ping`, "untrusted peer: headers ignored");
  });
  await withServer({ "aio.trusted_proxies": "127.0.0.1" }, async (port) => {
    const answer = await send(port, "/link", [`Host: 127.0.0.1:${port}`, ...forwarded]);
    assert.equal(answer.body, "https://public.example.com/ping");
    const bad = await send(port, "/link", [`Host: 127.0.0.1:${port}`, "X-Forwarded-Host: a/b#"]);
    assert.equal(bad.status, 400);
    const proto = await send(port, "/link", [
      `Host: 127.0.0.1:${port}`,
      "X-Forwarded-Proto: gopher",
    ]);
    assert.equal(proto.status, 400);
  });
  await withServer(
    { "aio.trusted_proxies": "127.0.0.1", "aio.allowed_hosts": "127.0.0.1 app.example" },
    async (port) => {
      const refused = await send(port, "/link", [`Host: 127.0.0.1:${port}`, ...forwarded]);
      assert.equal(refused.status, 400, "a forwarded host must be allowed too");
      const ok = await send(port, "/link", [
        `Host: 127.0.0.1:${port}`,
        "X-Forwarded-Host: app.example",
      ]);
      assert.equal(ok.body, "http://app.example/ping");
    },
  );
});
