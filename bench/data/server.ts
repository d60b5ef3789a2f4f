/**
 * The data benchmark's server: the same JSON POST view with and without a `schema` (JSON
 * Schema through ajv, and zod through Standard Schema), and — when a database URL is given —
 * a view doing one `SELECT 1` through the tasks example's per-request connection and
 * transaction, beside the same view without the database.
 *
 * Usage: `[AIO_BENCH_DATABASE_URL=postgres://…] deno run -A bench/data/server.ts PORT`
 *
 * @module
 */

import { taskSchema, taskZod } from "./_schemas.ts";
import { Configurator, type PyramidRequest } from "@aio/pyramid";
import { listen } from "../http/_listen.ts";
import {
  databaseExtension,
  openTransaction,
  POOL,
  type Transaction,
} from "../../examples/tasks/db.ts";

const databaseUrl = Deno.env.get("AIO_BENCH_DATABASE_URL");
const config = new Configurator({ settings: { "aio.debug": "false" } });
if (databaseUrl) {
  config.addExtension(databaseExtension(databaseUrl, { max: 10 }));
  config.addRequestMethod(openTransaction, "db", { reify: true });
}

config.addRoute("plain", "/plain");
config.addRoute("validated", "/validated");
config.addRoute("zod", "/zod");
config.addRoute("nodb", "/nodb");
config.addRoute("select1", "/select1");
config.addRoute("pool", "/select1-pool");

// The same work in each: read the JSON body, answer with its title.
config.addView(async function plain(request: PyramidRequest) {
  const body = request.json as { title: string };
  return { title: body.title };
}, { routeName: "plain", requestMethod: "POST", renderer: "json" });
config.addView(async function validated(request: PyramidRequest) {
  const body = request.validated!.body as { title: string };
  return { title: body.title };
}, {
  routeName: "validated",
  requestMethod: "POST",
  renderer: "json",
  schema: { body: taskSchema },
});
config.addView(async function zod(request: PyramidRequest) {
  const body = request.validated!.body as { title: string };
  return { title: body.title };
}, { routeName: "zod", requestMethod: "POST", renderer: "json", schema: { body: taskZod } });

config.addView(async function nodb() {
  return { one: 1 };
}, { routeName: "nodb", requestMethod: "GET", renderer: "json" });
if (databaseUrl) {
  config.addView(async function select1(request: PyramidRequest) {
    const db = await (request as PyramidRequest & { db: Promise<Transaction> }).db;
    const [row] = await db.query<{ one: number }>("SELECT 1 AS one");
    return { one: row.one };
  }, { routeName: "select1", requestMethod: "GET", renderer: "json" });
  // For comparison: the same query straight on the pool, no transaction (one round trip).
  config.addView(async function pooled(request: PyramidRequest) {
    const { rows } = await request.registry.queryUtility(POOL)!.query("SELECT 1 AS one");
    return { one: rows[0].one };
  }, { routeName: "pool", requestMethod: "GET", renderer: "json" });
}

const app = await config.makeApp();
listen(app.fetch, () => app.close());
