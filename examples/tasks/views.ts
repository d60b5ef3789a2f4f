/**
 * The task tracker's views: validated JSON endpoints on the per-request transaction, a legacy
 * blocking CSV export reading through a synchronized query, and a live feed of changes.
 *
 * @module
 */

import {
  EventStream,
  HTTPConflict,
  HTTPNotFound,
  publish,
  type PyramidRequest,
  viewConfig,
} from "@aio/pyramid";
import { queryRows, type Transaction } from "./db.ts";

/** The app's request: `db` is added with `addRequestMethod(openTransaction, "db", { reify })`. */
export type TasksRequest = PyramidRequest & { db: Promise<Transaction> };

const newTask = {
  type: "object",
  required: ["title"],
  additionalProperties: false,
  properties: {
    title: { type: "string", minLength: 1, maxLength: 200 },
    priority: { type: "integer", minimum: 1, maximum: 5, default: 3 },
  },
};

const UNIQUE_VIOLATION = "23505";

async function insert(db: Transaction, task: { title: string; priority: number }) {
  try {
    const [row] = await db.query(
      "INSERT INTO tasks (title, priority) VALUES ($1, $2) RETURNING id, title, done, priority",
      [task.title, task.priority],
    );
    return row;
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
      throw new HTTPConflict({ detail: `A task titled '${task.title}' exists already.` });
    }
    throw error;
  }
}

/** `GET /tasks?limit=&done=`: the newest tasks. */
export const listTasks = viewConfig({
  routeName: "tasks",
  requestMethod: "GET",
  renderer: "json",
  schema: {
    query: {
      type: "object",
      additionalProperties: false,
      properties: {
        limit: { type: "integer", minimum: 1, maximum: 100, default: 20 },
        done: { type: "boolean" },
      },
    },
  },
}, async function listTasks(request: TasksRequest) {
  const { limit, done } = request.validated!.query as { limit: number; done?: boolean };
  const db = await request.db;
  return await db.query(
    "SELECT id, title, done, priority FROM tasks WHERE ($1::boolean IS NULL OR done = $1) " +
      "ORDER BY id DESC LIMIT $2",
    [done ?? null, limit],
  );
});

/** `POST /tasks` `{ title, priority? }` → 201 with the task; a duplicate title is a 409. */
export const addTask = viewConfig({
  routeName: "tasks",
  requestMethod: "POST",
  renderer: "json",
  schema: { body: newTask },
}, async function addTask(request: TasksRequest) {
  const row = await insert(await request.db, request.validated!.body as never);
  request.response.status = 201;
  // Tell live pages once the transaction has committed (finished callbacks run in order).
  request.addFinishedCallback(() => publish("tasks", { added: row }).then(() => {}));
  return row;
});

/** `POST /tasks/import` `[{ title }, …]`: all or nothing (a duplicate rolls back every insert). */
export const importTasks = viewConfig({
  routeName: "import",
  requestMethod: "POST",
  renderer: "json",
  schema: { body: { type: "array", items: newTask, maxItems: 500 } },
}, async function importTasks(request: TasksRequest) {
  const db = await request.db;
  const rows = [];
  for (const task of request.validated!.body as { title: string; priority: number }[]) {
    rows.push(await insert(db, task));
  }
  request.response.status = 201;
  return { imported: rows.length };
});

/** `PATCH /tasks/{id}` `{ done }`. */
export const updateTask = viewConfig({
  routeName: "task",
  requestMethod: "PATCH",
  renderer: "json",
  schema: {
    matchdict: { type: "object", properties: { id: { type: "integer" } } },
    body: {
      type: "object",
      required: ["done"],
      additionalProperties: false,
      properties: { done: { type: "boolean" } },
    },
  },
}, async function updateTask(request: TasksRequest) {
  const { id } = request.validated!.matchdict as { id: number };
  const { done } = request.validated!.body as { done: boolean };
  const [row] = await (await request.db).query(
    "UPDATE tasks SET done = $2 WHERE id = $1 RETURNING id, title, done, priority",
    [id, done],
  );
  if (!row) throw new HTTPNotFound({ detail: `No task ${id}.` });
  return row;
});

/** `GET /tasks.csv`: the legacy export — a blocking view reading through `synchronize`. */
export function exportCsv(_request: PyramidRequest): Response {
  const rows = queryRows("SELECT id, title, done FROM tasks ORDER BY id");
  const quote = (value: unknown) => `"${String(value).replaceAll('"', '""')}"`;
  const lines = ["id,title,done", ...rows.map((r) => [r.id, quote(r.title), r.done].join(","))];
  return new Response(lines.join("\n") + "\n", {
    headers: { "content-type": "text/csv; charset=utf-8" },
  });
}

/** `GET /tasks/live`: server-sent events for every task added (from any isolate). */
export const liveTasks = viewConfig(
  { routeName: "live", requestMethod: "GET" },
  async function liveTasks(_request: PyramidRequest) {
    return EventStream.fromChannel("tasks", { event: "task" });
  },
);

/** `GET /health`: needs no database, so it answers while the database is down. */
export const health = viewConfig(
  { routeName: "health", requestMethod: "GET", renderer: "json" },
  async function health() {
    return { ok: true };
  },
);

/** `GET /health/db`: one `SELECT 1` through the request's connection. */
export const healthDb = viewConfig(
  { routeName: "health_db", requestMethod: "GET", renderer: "json" },
  async function healthDb(request: TasksRequest) {
    const [row] = await (await request.db).query<{ one: number }>("SELECT 1 AS one");
    return { db: row.one };
  },
);
