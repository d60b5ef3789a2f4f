// The tasks example against a real PostgreSQL server (started here, in a temporary directory,
// once for this file) over real HTTP: per-request transactions with pyramid_tm's commit rule,
// validated requests, the legacy blocking view through synchronize, the live feed, and a
// database that goes away and comes back.
import assert from "node:assert/strict";
import pg from "pg";
import { serve } from "@aio/pyramid";
import { main } from "../app.ts";
import { POOL } from "../db.ts";
import { findPostgres, startPostgres } from "./_postgres.ts";

const found = await findPostgres();
if ("reason" in found) console.warn(`[tasks tests] skipped: ${found.reason}`);

function json(method: string, body: unknown): RequestInit {
  return { method, body: JSON.stringify(body), headers: { "content-type": "application/json" } };
}

Deno.test({
  name: "tasks example on a real PostgreSQL",
  ignore: "reason" in found,
  async fn(t) {
    const server = await startPostgres((found as { bin: string }).bin);
    // A second, independent connection: it sees only what was committed.
    const observer = new pg.Client({ connectionString: server.url });
    try {
      const app = await main({
        "tasks.database_url": server.url,
        "tasks.pool_size": "3",
        "aio.executor.max_workers": "1",
        "aio.debug": "false",
      });
      const running = serve(app, { port: 0 });
      const url = running.url;
      await observer.connect();
      const committedTitles = async () =>
        (await observer.query("SELECT title FROM tasks ORDER BY id")).rows.map((
          r: { title: string },
        ) => r.title);
      try {
        await t.step("validated JSON API on the per-request transaction", async () => {
          const created = await fetch(`${url}/tasks`, json("POST", { title: "write docs" }));
          assert.equal(created.status, 201);
          const task = await created.json();
          assert.deepEqual({ ...task, id: undefined }, {
            id: undefined,
            title: "write docs",
            done: false,
            priority: 3,
          });
          assert.deepEqual(await committedTitles(), ["write docs"], "committed");

          const invalid = await fetch(`${url}/tasks`, json("POST", { title: "", colour: 1 }));
          assert.equal(invalid.status, 422);
          assert.equal(invalid.headers.get("content-type"), "application/problem+json");
          assert.deepEqual(
            (await invalid.json()).errors.map((e: { field: string }) => e.field).sort(),
            ["colour", "title"],
          );
          const badQuery = await fetch(`${url}/tasks?limit=0`);
          assert.equal(badQuery.status, 422);
          await badQuery.body?.cancel();

          const done = await fetch(`${url}/tasks/${task.id}`, json("PATCH", { done: true }));
          assert.equal((await done.json()).done, true);
          const missing = await fetch(`${url}/tasks/99999`, json("PATCH", { done: true }));
          assert.equal(missing.status, 404);
          await missing.body?.cancel();
          const list = await (await fetch(`${url}/tasks?done=true&limit=5`)).json();
          assert.deepEqual(list.map((r: { title: string }) => r.title), ["write docs"]);
        });

        await t.step(
          "pyramid_tm's rule: an error response rolls the whole transaction back",
          async () => {
            const clash = await fetch(
              `${url}/tasks/import`,
              json("POST", [{ title: "a" }, { title: "b" }, { title: "write docs" }]),
            );
            assert.equal(clash.status, 409);
            assert.match(await clash.text(), /write docs' exists already/);
            assert.deepEqual(await committedTitles(), ["write docs"], "a and b were rolled back");
            const ok = await fetch(
              `${url}/tasks/import`,
              json("POST", [{ title: "a" }, { title: "b" }]),
            );
            assert.deepEqual(await ok.json(), { imported: 2 });
            assert.deepEqual(await committedTitles(), ["write docs", "a", "b"]);
          },
        );

        await t.step("one pooled connection per request, always given back", async () => {
          const pool = app.registry.queryUtility(POOL)!;
          const answers = await Promise.all(
            Array.from({ length: 20 }, () => fetch(`${url}/health/db`).then((r) => r.json())),
          );
          assert.ok(answers.every((a) => a.db === 1));
          assert.ok(pool.totalCount <= 3, `pool size ${pool.totalCount}`);
          assert.equal(pool.idleCount, pool.totalCount, "every connection was released");
          assert.equal(pool.waitingCount, 0);
        });

        await t.step("the legacy blocking view reads through a synchronized query", async () => {
          const csv = await fetch(`${url}/tasks.csv`);
          assert.equal(csv.status, 200);
          assert.equal(csv.headers.get("content-type"), "text/csv; charset=utf-8");
          const lines = (await csv.text()).trim().split("\n");
          assert.equal(lines[0], "id,title,done");
          assert.deepEqual(lines.slice(1).map((l) => l.split(",")[1]), [
            '"write docs"',
            '"a"',
            '"b"',
          ]);
        });

        await t.step("a live page: committed additions arrive as server-sent events", async () => {
          const source = new EventSource(`${url}/tasks/live`);
          try {
            await new Promise((resolve) => source.onopen = resolve);
            const event = new Promise<string>((resolve) =>
              source.addEventListener("task", (e) => resolve((e as MessageEvent).data))
            );
            const added = await fetch(`${url}/tasks`, json("POST", { title: "live one" }));
            assert.equal(added.status, 201);
            await added.body?.cancel();
            assert.equal(JSON.parse(await event).added.title, "live one");
          } finally {
            source.close();
          }
        });

        await t.step("the OpenAPI document describes the API", async () => {
          const document = await (await fetch(`${url}/openapi.json`)).json();
          assert.equal(document.openapi, "3.1.0");
          assert.ok(document.paths["/tasks"].post.requestBody);
          assert.ok(document.paths["/tasks/{id}"].patch);
          assert.equal(
            document.paths["/tasks/{id}"].patch.parameters[0].schema.type,
            "integer",
          );
        });

        await t.step(
          "the database goes away: 503 where it is needed, and back when it is",
          async () => {
            await observer.end();
            await server.stop();
            for (
              const [path, init] of [
                ["/tasks", undefined],
                ["/tasks", json("POST", { title: "while down" })],
                ["/health/db", undefined],
                ["/tasks.csv", undefined],
              ] as const
            ) {
              const response = await fetch(`${url}${path}`, init);
              assert.equal(response.status, 503, `${init?.method ?? "GET"} ${path}`);
              assert.equal(response.headers.get("retry-after"), "1");
              const text = await response.text();
              // The blocking view's 503 comes back through the executor, which words it itself.
              if (path !== "/tasks.csv") assert.match(text, /database is not reachable/);
            }
            const health = await fetch(`${url}/health`);
            assert.deepEqual(
              await health.json(),
              { ok: true },
              "views without the database still work",
            );

            await server.start();
            const list = await fetch(`${url}/tasks`);
            assert.equal(list.status, 200);
            assert.deepEqual(
              (await list.json()).map((r: { title: string }) => r.title),
              ["live one", "b", "a", "write docs"],
            );
            const again = await fetch(`${url}/tasks`, json("POST", { title: "after the outage" }));
            assert.equal(again.status, 201);
            await again.body?.cancel();
          },
        );
      } finally {
        await running.shutdown();
      }
      assert.equal(app.registry.queryUtility(POOL)!.ended, true, "the pool closed with the app");
    } finally {
      await observer.end().catch(() => {});
      await server.destroy();
    }
  },
});
