import assert from "node:assert/strict";
import { serveStaticFile } from "../../src/static/mod.ts";
import type { ServeStaticFileOptions } from "../../src/static/mod.ts";
import { ConfigurationError } from "../../src/errors.ts";

const BIG_SIZE = 1024 * 1024 + 123;

interface Fixture {
  base: string;
  root: string;
  outside: string;
}

/** A fresh tree: `root/` is served, `outside/` holds what no request may reach. */
async function makeFixture(): Promise<Fixture> {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "aio_static_" }));
  const root = `${base}/root`;
  const outside = `${base}/outside`;
  await Deno.mkdir(`${root}/dir`, { recursive: true });
  await Deno.mkdir(`${root}/empty_dir`);
  await Deno.mkdir(`${root}/.hidden`);
  await Deno.mkdir(outside);
  await Deno.writeTextFile(`${outside}/secret.txt`, "TOP SECRET");
  await Deno.writeTextFile(`${base}/secret.txt`, "TOP SECRET");
  await Deno.writeTextFile(`${root}/hello.txt`, "hello world");
  await Deno.writeTextFile(`${root}/site.css`, "body{}");
  await Deno.writeTextFile(`${root}/noext`, "?");
  await Deno.writeTextFile(`${root}/empty.txt`, "");
  await Deno.writeTextFile(`${root}/café.txt`, "unicode");
  await Deno.writeTextFile(`${root}/a b.txt`, "space");
  await Deno.writeTextFile(`${root}/.env`, "SECRET=1");
  await Deno.writeTextFile(`${root}/.hidden/x.txt`, "hidden");
  await Deno.writeTextFile(`${root}/dir/index.html`, "<h1>dir</h1>");
  await Deno.writeTextFile(`${root}/dir/page.txt`, "page");
  const big = new Uint8Array(BIG_SIZE);
  for (let i = 0; i < big.length; i++) big[i] = i % 251;
  await Deno.writeFile(`${root}/big.bin`, big);
  await Deno.symlink(`${outside}/secret.txt`, `${root}/link_out`);
  await Deno.symlink("../outside", `${root}/link_dir_out`);
  await Deno.symlink("hello.txt", `${root}/link_in`);
  await Deno.symlink(`${root}/dir`, `${root}/link_dir_in`);
  await Deno.symlink(`${root}/loop`, `${root}/loop`);
  return { base, root, outside };
}

async function withFixture(fn: (fixture: Fixture) => Promise<void>): Promise<void> {
  const fixture = await makeFixture();
  try {
    await fn(fixture);
  } finally {
    await Deno.remove(fixture.base, { recursive: true });
  }
}

interface Ask {
  method?: string;
  headers?: HeadersInit;
  /** The request URL's path; defaults to `/static/` + subpath. */
  path?: string;
  options?: Partial<ServeStaticFileOptions>;
}

function serve(root: string, subpath: string, ask: Ask = {}): Promise<Response> {
  const path = ask.path ?? `/static/${subpath}`;
  const request = new Request(`http://localhost${path}`, {
    method: ask.method ?? "GET",
    headers: ask.headers,
  });
  return serveStaticFile(request, { root, subpath, ...ask.options });
}

async function bytesOf(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

// Every one of these must be a 404 with nothing of the secret in the body.
function trickCases(fixture: Fixture): string[] {
  return [
    "..",
    "%2e%2e",
    "../outside/secret.txt",
    "../secret.txt",
    "%2e%2e/outside/secret.txt",
    "%2E%2E/outside/secret.txt",
    ".%2e/outside/secret.txt",
    "%2e./outside/secret.txt",
    "dir/../../outside/secret.txt",
    "dir/%2e%2e/%2e%2e/outside/secret.txt",
    "dir/..",
    "dir/%2e%2e/",
    "./hello.txt",
    "%2e/hello.txt",
    "..%2foutside%2fsecret.txt",
    "..%2Foutside%2Fsecret.txt",
    "dir%2fpage.txt",
    "..%5coutside%5csecret.txt",
    "..\\outside\\secret.txt",
    "dir\\page.txt",
    "%252e%252e/outside/secret.txt",
    "%252e%252e%252foutside%252fsecret.txt",
    "%25%32%65%25%32%65/outside/secret.txt",
    "hello%2541.txt",
    "hello.txt%00",
    "hello.txt%00.png",
    "hello.txt\u0000",
    "hello%0a.txt",
    "%c0%ae%c0%ae/outside/secret.txt",
    "%e0%80%ae%e0%80%ae/outside/secret.txt",
    "%u002e%u002e/outside/secret.txt",
    "%",
    "%zz",
    "%e9",
    "/etc/passwd",
    "//etc/passwd",
    "%2fetc%2fpasswd",
    `${fixture.outside}/secret.txt`,
    encodeURIComponent(`${fixture.outside}/secret.txt`),
    "C:/Windows/win.ini",
    "C:%5cWindows%5cwin.ini",
    "c%3a%5cwindows%5cwin.ini",
    "hello.txt::$DATA",
    "\\\\server\\share\\secret.txt",
    ".env",
    "%2eenv",
    ".hidden/x.txt",
    "dir//page.txt",
    "link_out",
    "link_dir_out/secret.txt",
    "loop",
    "hello.txt/",
    "hello.txt/x",
    "missing.txt",
    "empty_dir/",
    "empty_dir",
    "",
  ];
}

Deno.test("path tricks all answer 404", async (t) => {
  await withFixture(async (fixture) => {
    for (const subpath of trickCases(fixture)) {
      await t.step(`404 for ${JSON.stringify(subpath)}`, async () => {
        const path = subpath === "" ? "/static/" : `/static/${subpath}`;
        const response = await serve(fixture.root, subpath, { path });
        const body = await response.text();
        assert.equal(response.status, 404, `${subpath} answered ${response.status}`);
        assert.ok(!body.includes("SECRET"), "the body must not leak the file");
      });
    }
  });
});

Deno.test("a symlink that resolves outside root is a 404, one inside is served", async () => {
  await withFixture(async ({ root }) => {
    const out = await serve(root, "link_out");
    assert.equal(out.status, 404);
    await out.body?.cancel();
    const outDir = await serve(root, "link_dir_out/secret.txt");
    assert.equal(outDir.status, 404);
    await outDir.body?.cancel();
    const inside = await serve(root, "link_in");
    assert.equal(inside.status, 200);
    assert.equal(await inside.text(), "hello world");
    const insideDir = await serve(root, "link_dir_in/page.txt");
    assert.equal(await insideDir.text(), "page");
  });
});

Deno.test("a root that is itself a symlink still serves and still confines", async () => {
  await withFixture(async ({ base, root }) => {
    await Deno.symlink(root, `${base}/alias`);
    const ok = await serve(`${base}/alias`, "hello.txt");
    assert.equal(await ok.text(), "hello world");
    const escape = await serve(`${base}/alias`, "link_out");
    assert.equal(escape.status, 404);
    await escape.body?.cancel();
  });
});

Deno.test("dotfiles are served only with allowDotfiles, and `..` stays refused", async () => {
  await withFixture(async ({ root }) => {
    const options = { allowDotfiles: true };
    const env = await serve(root, ".env", { options });
    assert.equal(env.status, 200);
    assert.equal(await env.text(), "SECRET=1");
    const hidden = await serve(root, ".hidden/x.txt", { options });
    assert.equal(await hidden.text(), "hidden");
    for (const subpath of ["..", "%2e%2e/outside/secret.txt", "../secret.txt"]) {
      const response = await serve(root, subpath, { options });
      assert.equal(response.status, 404, subpath);
      await response.body?.cancel();
    }
  });
});

Deno.test("a normal file is 200 with type, length, validators and ranges advertised", async () => {
  await withFixture(async ({ root }) => {
    const response = await serve(root, "hello.txt");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(response.headers.get("content-length"), "11");
    assert.equal(response.headers.get("accept-ranges"), "bytes");
    assert.match(response.headers.get("etag") ?? "", /^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    const mtime = (await Deno.stat(`${root}/hello.txt`)).mtime!;
    assert.equal(response.headers.get("last-modified"), mtime.toUTCString());
    assert.equal(response.headers.get("cache-control"), null);
    assert.equal(await response.text(), "hello world");
  });
});

Deno.test("Content-Type comes from the extension", async (t) => {
  await withFixture(async ({ root }) => {
    const cases: [string, string][] = [
      ["site.css", "text/css; charset=utf-8"],
      ["dir/index.html", "text/html; charset=utf-8"],
      ["noext", "application/octet-stream"],
      ["big.bin", "application/octet-stream"],
      ["caf%C3%A9.txt", "text/plain; charset=utf-8"],
      ["a%20b.txt", "text/plain; charset=utf-8"],
    ];
    for (const [subpath, type] of cases) {
      await t.step(`${subpath} is ${type}`, async () => {
        const response = await serve(root, subpath);
        assert.equal(response.status, 200);
        assert.equal(response.headers.get("content-type"), type);
        await response.body?.cancel();
      });
    }
  });
});

Deno.test("percent-encoded names, empty files and cacheMaxAge", async () => {
  await withFixture(async ({ root }) => {
    assert.equal(await (await serve(root, "caf%C3%A9.txt")).text(), "unicode");
    assert.equal(await (await serve(root, "a%20b.txt")).text(), "space");
    const empty = await serve(root, "empty.txt");
    assert.equal(empty.status, 200);
    assert.equal(empty.headers.get("content-length"), "0");
    assert.equal(await empty.text(), "");
    const cached = await serve(root, "hello.txt", { options: { cacheMaxAge: 3600 } });
    assert.equal(cached.headers.get("cache-control"), "public, max-age=3600");
    await cached.body?.cancel();
  });
});

Deno.test("a large file streams intact", async () => {
  await withFixture(async ({ root }) => {
    const response = await serve(root, "big.bin");
    assert.equal(response.headers.get("content-length"), String(BIG_SIZE));
    const bytes = await bytesOf(response);
    assert.equal(bytes.length, BIG_SIZE);
    assert.deepEqual(bytes, await Deno.readFile(`${root}/big.bin`));
  });
});

// Deno 2.9's resource sanitizer does not report a leaked `FsFile`, so open files are counted
// through /proc/self/fd (Linux only; elsewhere these tests are ignored with a reason).
const HAS_PROC_FD = Deno.build.os === "linux";
if (!HAS_PROC_FD) console.warn("ignoring file-handle tests: /proc/self/fd is Linux-only");

function openFilesUnder(dir: string): number {
  let count = 0;
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    try {
      if (Deno.readLinkSync(`/proc/self/fd/${entry.name}`).startsWith(dir)) count++;
    } catch {
      // The fd that listed the directory is gone by now.
    }
  }
  return count;
}

async function eventuallyNoOpenFiles(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 100 && openFilesUnder(dir) > 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(openFilesUnder(dir), 0, `files under ${dir} are still open`);
}

Deno.test({
  name: "every way a response ends closes the file",
  ignore: !HAS_PROC_FD,
  async fn() {
    await withFixture(async ({ root }) => {
      const whole = await serve(root, "big.bin");
      assert.equal(openFilesUnder(root), 1, "the body holds the file open");
      const reader = whole.body!.getReader();
      const first = await reader.read();
      assert.ok(first.value && first.value.length > 0);
      await reader.cancel();
      assert.equal(openFilesUnder(root), 0, "cancel after one chunk");

      const ranged = await serve(root, "big.bin", { headers: { range: "bytes=1000-" } });
      assert.equal(ranged.status, 206);
      await ranged.body!.cancel();
      assert.equal(openFilesUnder(root), 0, "cancel of a range");

      await (await serve(root, "big.bin")).arrayBuffer();
      await (await serve(root, "big.bin", { headers: { range: "bytes=0-9" } })).arrayBuffer();
      assert.equal(openFilesUnder(root), 0, "read to the end");

      const etag = (await serve(root, "hello.txt", { method: "HEAD" })).headers.get("etag")!;
      await serve(root, "hello.txt", { headers: { "if-none-match": etag } });
      await serve(root, "hello.txt", { headers: { range: "bytes=99-" } });
      await serve(root, "dir");
      await serve(root, "hello.txt/");
      assert.equal(openFilesUnder(root), 0, "HEAD, 304, 416, redirect and 404 close at once");
    });
  },
});

Deno.test("conditional requests answer 304", async (t) => {
  await withFixture(async ({ root }) => {
    const first = await serve(root, "hello.txt", { options: { cacheMaxAge: 60 } });
    await first.body?.cancel();
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;
    const strongForm = etag.replace(/^W\//, "");
    const later = new Date(Date.parse(lastModified) + 3600_000).toUTCString();
    const earlier = new Date(Date.parse(lastModified) - 3600_000).toUTCString();
    const cases: [string, HeadersInit, number][] = [
      ["If-None-Match with the tag", { "if-none-match": etag }, 304],
      ["If-None-Match with the tag without W/", { "if-none-match": strongForm }, 304],
      ["If-None-Match *", { "if-none-match": "*" }, 304],
      ["If-None-Match list containing the tag", { "if-none-match": `"nope", ${etag}` }, 304],
      ["If-None-Match another tag", { "if-none-match": '"nope"' }, 200],
      ["If-Modified-Since = Last-Modified", { "if-modified-since": lastModified }, 304],
      ["If-Modified-Since later", { "if-modified-since": later }, 304],
      ["If-Modified-Since earlier", { "if-modified-since": earlier }, 200],
      ["If-Modified-Since garbage", { "if-modified-since": "yesterday-ish" }, 200],
      [
        "If-None-Match miss wins over If-Modified-Since hit",
        { "if-none-match": '"nope"', "if-modified-since": later },
        200,
      ],
    ];
    for (const [name, headers, status] of cases) {
      await t.step(`${name} → ${status}`, async () => {
        const response = await serve(root, "hello.txt", {
          headers,
          options: { cacheMaxAge: 60 },
        });
        assert.equal(response.status, status);
        assert.equal(response.headers.get("etag"), etag);
        assert.equal(response.headers.get("cache-control"), "public, max-age=60");
        const body = await response.text();
        assert.equal(body, status === 304 ? "" : "hello world");
      });
    }
    const head = await serve(root, "hello.txt", {
      method: "HEAD",
      headers: { "if-none-match": etag },
    });
    assert.equal(head.status, 304);
    assert.equal(head.body, null);
  });
});

Deno.test("Range requests answer 206 or 416", async (t) => {
  await withFixture(async ({ root }) => {
    const lastModified = (await Deno.stat(`${root}/hello.txt`)).mtime!.toUTCString();
    const cases: [string, HeadersInit, number, string, string | null][] = [
      ["first five bytes", { range: "bytes=0-4" }, 206, "hello", "bytes 0-4/11"],
      ["open-ended", { range: "bytes=6-" }, 206, "world", "bytes 6-10/11"],
      ["suffix", { range: "bytes=-5" }, 206, "world", "bytes 6-10/11"],
      ["suffix longer than file", { range: "bytes=-50" }, 206, "hello world", "bytes 0-10/11"],
      ["end clamped", { range: "bytes=3-999" }, 206, "lo world", "bytes 3-10/11"],
      ["single byte", { range: "bytes=10-10" }, 206, "d", "bytes 10-10/11"],
      ["spaces tolerated", { range: "bytes = 0-1" }, 206, "he", "bytes 0-1/11"],
      ["start past end", { range: "bytes=11-" }, 416, "", "bytes */11"],
      ["zero suffix", { range: "bytes=-0" }, 416, "", "bytes */11"],
      ["multiple ranges: whole file", { range: "bytes=0-1,3-4" }, 200, "hello world", null],
      ["reversed range ignored", { range: "bytes=5-2" }, 200, "hello world", null],
      ["other unit ignored", { range: "items=0-1" }, 200, "hello world", null],
      ["garbage ignored", { range: "bytes=abc" }, 200, "hello world", null],
      [
        "If-Range with Last-Modified",
        { range: "bytes=0-4", "if-range": lastModified },
        206,
        "hello",
        "bytes 0-4/11",
      ],
      [
        "If-Range with an old date",
        { range: "bytes=0-4", "if-range": "Tue, 01 Jan 2002 00:00:00 GMT" },
        200,
        "hello world",
        null,
      ],
      [
        "If-Range with an etag (weak never matches)",
        { range: "bytes=0-4", "if-range": '"abc"' },
        200,
        "hello world",
        null,
      ],
    ];
    for (const [name, headers, status, body, contentRange] of cases) {
      await t.step(`${name} → ${status}`, async () => {
        const response = await serve(root, "hello.txt", { headers });
        assert.equal(response.status, status);
        assert.equal(response.headers.get("content-range"), contentRange);
        assert.equal(response.headers.get("accept-ranges"), "bytes");
        const text = await response.text();
        if (status === 416) {
          assert.match(text, /416/);
        } else {
          assert.equal(text, body);
          assert.equal(response.headers.get("content-length"), String(body.length));
        }
      });
    }
    await t.step("empty file: any range is 416 bytes */0", async () => {
      const response = await serve(root, "empty.txt", { headers: { range: "bytes=0-" } });
      assert.equal(response.status, 416);
      assert.equal(response.headers.get("content-range"), "bytes */0");
      await response.body?.cancel();
    });
    await t.step("a range across chunk boundaries of a large file", async () => {
      const start = 65_530;
      const end = 300_001;
      const response = await serve(root, "big.bin", {
        headers: { range: `bytes=${start}-${end}` },
      });
      assert.equal(response.status, 206);
      assert.equal(response.headers.get("content-range"), `bytes ${start}-${end}/${BIG_SIZE}`);
      const bytes = await bytesOf(response);
      const whole = await Deno.readFile(`${root}/big.bin`);
      assert.deepEqual(bytes, whole.subarray(start, end + 1));
    });
  });
});

Deno.test("HEAD sends the headers of GET and no body", async () => {
  await withFixture(async ({ root }) => {
    const head = await serve(root, "hello.txt", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.body, null);
    assert.equal(head.headers.get("content-length"), "11");
    assert.equal(head.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.ok(head.headers.get("etag"));
    const ranged = await serve(root, "hello.txt", {
      method: "HEAD",
      headers: { range: "bytes=0-4" },
    });
    assert.equal(ranged.status, 200, "Range is defined for GET only");
    assert.equal(ranged.headers.get("content-length"), "11");
    const missing = await serve(root, "missing.txt", { method: "HEAD" });
    assert.equal(missing.status, 404);
    assert.equal(missing.body, null);
  });
});

Deno.test("methods other than GET and HEAD answer 405 with Allow", async (t) => {
  await withFixture(async ({ root }) => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      await t.step(method, async () => {
        const response = await serve(root, "hello.txt", { method });
        assert.equal(response.status, 405);
        assert.equal(response.headers.get("allow"), "GET, HEAD");
        await response.body?.cancel();
      });
    }
  });
});

Deno.test("directories: index with a slash, redirect without, 404 without an index", async () => {
  await withFixture(async ({ root }) => {
    const index = await serve(root, "dir/");
    assert.equal(index.status, 200);
    assert.equal(index.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(await index.text(), "<h1>dir</h1>");

    const redirect = await serve(root, "dir");
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get("location"), "/static/dir/");
    await redirect.body?.cancel();

    const withQuery = await serve(root, "dir", { path: "/static/dir?v=1" });
    assert.equal(withQuery.headers.get("location"), "/static/dir/?v=1");
    await withQuery.body?.cancel();

    // A path that starts with `//` must not become a protocol-relative Location.
    const sneaky = await serve(root, "dir", { path: "//evil.example/dir" });
    assert.equal(sneaky.status, 301);
    assert.equal(sneaky.headers.get("location"), "/evil.example/dir/");
    await sneaky.body?.cancel();

    const noIndex = await serve(root, "empty_dir/");
    assert.equal(noIndex.status, 404);
    await noIndex.body?.cancel();

    const custom = await serve(root, "dir/", { options: { index: "page.txt" } });
    assert.equal(await custom.text(), "page");
  });
});

Deno.test("a relative root is a ConfigurationError that says how to fix it", async () => {
  await assert.rejects(
    () => serveStaticFile(new Request("http://localhost/x"), { root: "static", subpath: "x" }),
    (error: unknown) => error instanceof ConfigurationError && /absolute/.test(error.message),
  );
});

// --- over a real socket: fetch() would normalise `..`, a raw socket does not ---

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

async function rawRequest(port: number, method: string, target: string): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const head = `${method} ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(head));
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(16 * 1024);
    for (;;) {
      const read = await conn.read(buffer);
      if (read === null) break;
      chunks.push(buffer.slice(0, read));
    }
    const text = new TextDecoder().decode(concat(chunks));
    const split = text.indexOf("\r\n\r\n");
    const [statusLine, ...lines] = text.slice(0, split).split("\r\n");
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    return { status: Number(statusLine.split(" ")[1]), headers, body: text.slice(split + 4) };
  } finally {
    conn.close();
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** What a router would do: take the raw path after `/static/`, never a normalised URL. */
function startServer(root: string): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    function staticHandler(request) {
      const afterHost = request.url.slice(request.url.indexOf("/", "http://".length));
      const path = afterHost.split("?")[0];
      if (!path.startsWith("/static/")) return new Response("not here", { status: 404 });
      return serveStaticFile(request, { root, subpath: path.slice("/static/".length) });
    },
  );
}

Deno.test("over a socket: raw path tricks are 404 and the server keeps serving", async (t) => {
  await withFixture(async ({ root }) => {
    const server = startServer(root);
    try {
      const port = server.addr.port;
      const targets = [
        "/static/../outside/secret.txt",
        "/static/../secret.txt",
        "/static/dir/../../outside/secret.txt",
        "/static/%2e%2e/outside/secret.txt",
        "/static/%2E%2E/%2E%2E/secret.txt",
        "/static/..%2foutside%2fsecret.txt",
        "/static/..%5coutside%5csecret.txt",
        "/static/..\\outside\\secret.txt",
        "/static/%252e%252e/outside/secret.txt",
        "/static/hello.txt%00.png",
        "/static//etc/passwd",
        "/static/C:%5cWindows%5cwin.ini",
        "/static/.env",
        "/static/link_out",
        "/static/link_dir_out/secret.txt",
        "/static/%c0%ae%c0%ae/secret.txt",
      ];
      for (const target of targets) {
        await t.step(`404 for ${target}`, async () => {
          const response = await rawRequest(port, "GET", target);
          assert.equal(response.status, 404, `${target} answered ${response.status}`);
          assert.ok(!response.body.includes("SECRET"));
        });
      }
      await t.step("then a normal file is 200", async () => {
        const response = await rawRequest(port, "GET", "/static/hello.txt");
        assert.equal(response.status, 200);
        assert.equal(response.headers.get("content-length"), "11");
        assert.equal(response.body, "hello world");
      });
      await t.step("HEAD keeps Content-Length over the wire", async () => {
        const response = await rawRequest(port, "HEAD", "/static/hello.txt");
        assert.equal(response.status, 200);
        assert.equal(response.headers.get("content-length"), "11");
        assert.equal(response.body, "");
      });
      await t.step("a client that hangs up mid-file leaves the server serving", async () => {
        // Larger than loopback socket buffers, so the server is still streaming when we leave.
        await Deno.writeFile(`${root}/huge.bin`, new Uint8Array());
        await Deno.truncate(`${root}/huge.bin`, 64 * 1024 * 1024);
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        await conn.write(
          new TextEncoder().encode(
            "GET /static/huge.bin HTTP/1.1\r\nHost: localhost\r\n\r\n",
          ),
        );
        const buffer = new Uint8Array(4096);
        assert.ok((await conn.read(buffer)) !== null);
        conn.close();
        if (HAS_PROC_FD) await eventuallyNoOpenFiles(root);
        const response = await rawRequest(port, "GET", "/static/dir/");
        assert.equal(response.status, 200);
        assert.equal(response.body, "<h1>dir</h1>");
      });
    } finally {
      await server.shutdown();
    }
  });
});
