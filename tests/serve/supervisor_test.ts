// `server_model = processes` with real processes: the supervisor restarts a server process
// killed with SIGKILL, replaces the process whose executor abandoned a runaway worker (so the
// spinning thread dies and the core comes back) while requests keep being answered, and on
// SIGTERM lets the request in flight finish and exits 0.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { childrenOf, cpuTicks, eventually, sleep, withServer } from "./_cli.ts";

const APP = fileURLToPath(new URL("./fixtures/framework_app.ts", import.meta.url));
const TIMEOUT_MS = 600;
const GRACE_MS = 1000;
const TICKS_PER_SECOND = 100;

const ini = `
[app:main]
use = ${APP}#main
aio.executor.max_workers = 1
aio.executor.timeout_ms = ${TIMEOUT_MS}

[server:main]
host = 127.0.0.1
port = 0
workers = 2
access_log = false
grace_period_ms = ${GRACE_MS}
`;

// CPU used by the given processes over `ms`, in cores (1 = one core busy the whole time).
async function coresUsed(pids: number[], ms = 500): Promise<number> {
  const before = pids.map(cpuTicks);
  await sleep(ms);
  let ticks = 0;
  pids.forEach((pid, i) => {
    const now = cpuTicks(pid);
    if (now !== undefined && before[i] !== undefined) ticks += now - before[i]!;
  });
  return ticks / TICKS_PER_SECOND / (ms / 1000);
}

async function pidAnswering(url: string): Promise<number> {
  // A fresh client is a fresh connection, which the kernel may hand to either process.
  const client = Deno.createHttpClient({});
  try {
    const response = await fetch(`${url}/ping`, { client });
    assert.equal(response.status, 200);
    return (await response.json()).pid;
  } finally {
    client.close();
  }
}

Deno.test("supervisor: kill -9 restarts, a runaway worker's process is replaced, SIGTERM drains", async (t) => {
  await withServer(ini, async (url, cli) => {
    const supervisor = cli.child.pid;
    assert.match(cli.stdout.text, /\(2 server processes, 1 executor worker each\)/);

    await t.step("two server processes share the port", async () => {
      const processes = childrenOf(supervisor);
      assert.equal(processes.length, 2);
      const seen = new Set<number>();
      for (let i = 0; i < 100 && seen.size < 2; i++) seen.add(await pidAnswering(url));
      assert.deepEqual([...seen].sort(), processes);
    });

    await t.step("kill -9 of a server process: another one takes its place", async () => {
      const [victim, survivor] = childrenOf(supervisor);
      Deno.kill(victim, "SIGKILL");
      await cli.stderr.waitFor(new RegExp(`server process ${victim} exited unexpectedly`));
      const now = await eventually("a second server process again", () => {
        const pids = childrenOf(supervisor);
        return pids.length === 2 && !pids.includes(victim) && pids;
      });
      assert.ok(now.includes(survivor));
      const replacement = now.find((pid) => pid !== survivor)!;
      // It answers once it has loaded the app; until then the survivor answers everything.
      await eventually("the new process to answer", async () => {
        for (let i = 0; i < 20; i++) if (await pidAnswering(url) === replacement) return true;
      });
    });

    await t.step(
      "a runaway blocking view: 504, its process replaced, the core idle again",
      async () => {
        const before = childrenOf(supervisor);
        const idle = await coresUsed(before);
        assert.ok(idle < 0.1, `${idle} cores used before the runaway`);
        let pinging = true;
        const failures: string[] = [];
        let answered = 0;
        const pinger = (async () => {
          while (pinging) {
            try {
              const response = await fetch(`${url}/ping`);
              await response.body?.cancel();
              if (response.status === 200) answered++;
              else failures.push(`status ${response.status}`);
            } catch (error) {
              failures.push(String(error));
            }
            await sleep(20);
          }
        })();
        try {
          const spin = await fetch(`${url}/spin`);
          assert.equal(spin.status, 504);
          await spin.body?.cancel();
          const answeredAt = Date.now();
          // The measurement can see a runaway: after its 504 the thread still burns CPU (a
          // whole core on an idle machine; on the shared build machine, whatever it gets).
          const spinning = await coresUsed(before, 300);
          assert.ok(spinning >= 0.1, `${spinning} cores used right after the 504`);
          await cli.stdout.waitFor(/Replacing server process \d+: its executor abandoned a worker/);
          const gone = await eventually("the runaway's process to exit", () => {
            const now = childrenOf(supervisor);
            return now.length === 2 && before.find((pid) => !now.includes(pid));
          });
          const exitedAfterMs = Date.now() - answeredAt;
          // Replacement start-up (a new Deno process loading the app) comes on top of the grace.
          assert.ok(exitedAfterMs < GRACE_MS + 6500, `exited ${exitedAfterMs} ms after the 504`);
          assert.equal(cpuTicks(gone), undefined);
          await eventually("every server process idle", async () => {
            return await coresUsed([supervisor, ...childrenOf(supervisor)]) < 0.1;
          }, 5000);
          console.log(`runaway: its process exited ${exitedAfterMs} ms after the 504`);
        } finally {
          pinging = false;
          await pinger;
        }
        assert.deepEqual(failures, []);
        assert.ok(answered > 10, `only ${answered} pings answered`);
      },
    );

    await t.step("SIGTERM: the request in flight completes, then exit 0", async () => {
      const slow = fetch(`${url}/slow?ms=800`);
      await cli.stdout.waitFor(/slow request started/);
      cli.child.kill("SIGTERM");
      const response = await slow;
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "slow done");
      const status = await cli.finish();
      assert.equal(status.code, 0, cli.stderr.text);
      assert.match(cli.stdout.text, /Received SIGTERM: shutting down 2 server processes/);
      assert.deepEqual(childrenOf(supervisor), []);
    });
  });
});
