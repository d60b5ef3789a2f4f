/**
 * The database, the aiopg way: one `pg` pool per app (opened when the app is made, closed with
 * it), and per request a connection with a transaction, reached as `await request.db`. The
 * transaction commits in a finished callback when the response is not an error and rolls back
 * otherwise (pyramid_tm's rule). A database that cannot be reached is a 503 for the requests
 * that need it, and the next request after it is back simply works.
 *
 * @module
 */

import pg from "pg";
import {
  type AppExtension,
  currentAppContext,
  HTTPServiceUnavailable,
  type PyramidRequest,
  synchronize,
  UtilityKey,
} from "@aio/pyramid";

/** The app's connection pool (a `pg.Pool`). */
export const POOL: UtilityKey<pg.Pool> = new UtilityKey<pg.Pool>("tasks: PostgreSQL pool");

/** A row, as `pg` returns it. */
export type Row = Record<string, unknown>;

/** The schema this example needs; run once when the pool opens. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS tasks (
  id serial PRIMARY KEY,
  title text NOT NULL UNIQUE,
  done boolean NOT NULL DEFAULT false,
  priority integer NOT NULL DEFAULT 3,
  created timestamptz NOT NULL DEFAULT now()
)`;

// SQLSTATE classes that mean "the server is not there (any more)", not "your SQL is wrong":
// 08 connection exceptions, 57P0x shutdown/crash, 53300 too many connections.
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string") {
    return /^(08|57P0)/.test(code) || code === "53300" ||
      /^E(CONNREFUSED|CONNRESET|PIPE|HOSTUNREACH|TIMEDOUT)$/.test(code);
  }
  const message = String((error as Error)?.message ?? "");
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i
    .test(message);
}

/** Turns "the database went away" into a 503 with `Retry-After`; other errors pass. */
export function unavailable(error: unknown): unknown {
  if (!isUnavailable(error)) return error;
  return new HTTPServiceUnavailable({
    detail: "The database is not reachable right now; try again in a moment.",
    headers: { "retry-after": "1" },
    cause: error,
  });
}

/** One request's connection and transaction. */
export class Transaction {
  #client: pg.PoolClient;
  /** Whether `close()` ran. */
  closed = false;

  /** Wraps a client that has begun a transaction. */
  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  /** Runs a parameterised query in the request's transaction. */
  async query<R extends Row = Row>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.#client.query<R>(sql, params)).rows;
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Commits (or rolls back) and gives the connection back; a broken one is discarded. */
  async close(commit: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.#client.query(commit ? "COMMIT" : "ROLLBACK");
      this.#client.release();
    } catch (error) {
      this.#client.release(error as Error);
      if (commit) throw error;
    }
  }
}

/**
 * `request.db` (a reified request method): the first access takes a connection from the pool
 * and begins a transaction; the finished callback ends it — commit unless the response is an
 * error (status >= 400) or no response was made, as pyramid_tm does.
 */
export async function openTransaction(request: PyramidRequest): Promise<Transaction> {
  const pool = request.registry.queryUtility(POOL);
  if (!pool) throw new Error("The tasks database extension is not installed (databaseExtension).");
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw unavailable(error);
  }
  try {
    await client.query("BEGIN");
  } catch (error) {
    client.release(error as Error);
    throw unavailable(error);
  }
  const transaction = new Transaction(client);
  let status: number | undefined;
  request.addResponseCallback(function recordStatus(_request, response) {
    status = response.status;
  });
  request.addFinishedCallback(async function endTransaction() {
    await transaction.close(status !== undefined && status < 400);
  });
  return transaction;
}

/** Opens the pool when the app is made (creating the table) and closes it with the app. */
export function databaseExtension(url: string, options: { max?: number } = {}): AppExtension {
  return {
    name: "tasks-database",
    async install(host) {
      const pool = new pg.Pool({
        connectionString: url,
        max: options.max ?? 10,
        connectionTimeoutMillis: 2000,
        idleTimeoutMillis: 10_000,
      });
      // An idle connection the server closed (restart, crash) is reported here; the pool
      // drops it and opens a new one on demand, so nothing else needs doing.
      pool.on("error", () => {});
      host.onClose(function closePool() {
        return pool.end();
      });
      host.registry.registerUtility(POOL, pool);
      // The table is needed before the first request; a database that is down at start-up
      // is not fatal (requests answer 503 until it is back), so only log it.
      try {
        await pool.query(SCHEMA);
      } catch (error) {
        console.warn(`[tasks] could not create the tasks table yet: ${(error as Error).message}`);
      }
    },
  };
}

// A synchronized function runs on the main isolate in the async context of the request that
// called it, so the app it belongs to is found there (no process-wide pool).
function appPool(): pg.Pool {
  const pool = currentAppContext()?.queryUtility(POOL);
  if (!pool) {
    throw new Error("No tasks database pool here: run queries inside one of the app's requests.");
  }
  return pool;
}

/**
 * The legacy path: a *synchronized* query. Called from a blocking view in an executor worker,
 * it runs on the main isolate (on the app's pool, outside the request's transaction: a
 * read-only, autocommit query) and returns the rows synchronously, as aiopyramid's
 * `synchronize` did for greenlets.
 */
export const queryRows: (sql: string, params?: unknown[]) => Row[] = synchronize(
  async function queryRows(sql: string, params: unknown[] = []): Promise<Row[]> {
    try {
      return (await appPool().query(sql, params)).rows;
    } catch (error) {
      throw unavailable(error);
    }
  },
) as unknown as (sql: string, params?: unknown[]) => Row[];
