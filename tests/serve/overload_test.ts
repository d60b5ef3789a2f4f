// Quiet overload, in a real server process: a flood of requests the executor refuses (503,
// queue full) gives at most one line per refusal and at most one summary line per second,
// with no stack traces; a timeout (504) is one line.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { sleep, withServer } from "./_cli.ts";

const APP = fileURLToPath(new URL("./fixtures/framework_app.ts", import.meta.url));

const ini = (timeoutMs: number) => `
[app:main]
use = ${APP}#main
aio.executor.max_workers = 1
aio.executor.max_queue = 2
aio.executor.timeout_ms = ${timeoutMs}

[server:main]
host = 127.0.0.1
port = 0
access_log = false
`;

Deno.test("overload: N refusals log at most N lines, at most one summary a second, no stacks", async () => {
  await withServer(ini(5000), async (url, cli) => {
    const started = Date.now();
    const statuses: number[] = [];
    // Three waves over about two seconds, each far beyond 1 worker + 2 queued.
    for (let wave = 0; wave < 3; wave++) {
      const answers = await Promise.all(
        Array.from({ length: 60 }, () =>
          fetch(`${url}/busy?ms=150`).then(async (r) => {
            await r.body?.cancel();
            return r.status;
          })),
      );
      statuses.push(...answers);
      await sleep(300);
    }
    const elapsedS = (Date.now() - started) / 1000;
    const refused = statuses.filter((s) => s === 503).length;
    assert.ok(refused >= 100, `only ${refused} refusals`);
    assert.equal(statuses.filter((s) => s !== 503 && s !== 200).length, 0);
    await sleep(1200); // the last summary
    const lines = cli.stderr.text.trim().split("\n");
    assert.ok(lines.length <= refused, `${lines.length} lines for ${refused} refusals`);
    assert.doesNotMatch(cli.stderr.text, /^\s+at /m, "no stack traces");
    assert.match(
      lines[0],
      /^\[aio\.pyramid\] 503 GET \/busy: All 1 executor workers are busy and 2 calls are waiting; busy was refused\.$/,
    );
    const summaries = lines.filter((l) => /requests? refused in the last second/.test(l));
    assert.ok(summaries.length >= 1);
    assert.ok(summaries.length <= Math.ceil(elapsedS) + 2, `${summaries.length} summaries`);
    const counted = summaries.reduce((n, l) => n + Number(/\] (\d+) request/.exec(l)![1]), 0);
    const single = lines.filter((l) => / 503 GET \/busy: /.test(l)).length;
    assert.equal(counted + single, refused, "every refusal is a line or counted in a summary");
    assert.match(
      summaries[0],
      /^\[aio\.pyramid\] \d+ requests? refused in the last second: executor queue full \(1 worker, \d+ waiting\)$/,
    );
    console.log(`${refused} refusals → ${lines.length} log lines`);
  });
});

Deno.test("overload: a timed-out blocking view (504) is one line without a stack", async () => {
  await withServer(ini(400), async (url, cli) => {
    const response = await fetch(`${url}/busy?ms=800`);
    assert.equal(response.status, 504);
    await response.body?.cancel();
    await cli.stderr.waitFor(/504/);
    await sleep(200);
    const lines = cli.stderr.text.trim().split("\n");
    assert.equal(lines.length, 1, cli.stderr.text);
    assert.match(
      lines[0],
      /^\[aio\.pyramid\] 504 GET \/busy: busy ran longer than 400 ms in the executor; its worker was stopped and replaced\.$/,
    );
    assert.equal(await (await fetch(`${url}/ping`)).status, 200);
  });
});
