/**
 * The views of __PROJECT_NAME__: an `async function` view, which runs on the event loop,
 * beside a plain-function view, which is blocking code and so runs in a worker of the
 * executor while the server keeps answering other requests.
 *
 * @module
 */

import { HTTPBadRequest, type PyramidRequest, viewConfig } from "@aio/pyramid";

/** What the home view hands to `templates/home.jinja2`. */
export interface HomeInfo {
  project: string;
  name: string;
  fibonacci_url: string;
}

/** `/`: greets `?name=` (default "world") through a template. */
export const home = viewConfig(
  { routeName: "home", renderer: "./templates/home.jinja2" },
  async function home(request: PyramidRequest): Promise<HomeInfo> {
    const name = String(request.params.get("name", "world")).slice(0, 100);
    return {
      project: "__PROJECT_NAME__",
      name,
      fibonacci_url: request.routePath("fibonacci", { parts: { n: "25" } }),
    };
  },
);

/** The largest `n` the Fibonacci view computes (the naive recursion takes seconds beyond). */
export const MAX_N = 35;

/** What the Fibonacci view returns, rendered as JSON. */
export interface FibonacciInfo {
  n: number;
  value: number;
  next: string | null;
}

// Naive on purpose: synchronous, CPU-bound code of the kind that would stall an async server.
function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/**
 * `/fibonacci/{n}`: a plain function, so it runs in an executor worker; the event loop
 * stays free while it computes.
 */
export const fibonacci = viewConfig(
  { routeName: "fibonacci", renderer: "json" },
  function fibonacci(request: PyramidRequest): FibonacciInfo {
    const n = Number(request.matchdict.n);
    if (!(Number.isInteger(n) && n >= 0 && n <= MAX_N)) {
      throw new HTTPBadRequest({
        detail: `n must be a whole number from 0 to ${MAX_N}, not ${
          JSON.stringify(request.matchdict.n)
        }.`,
      });
    }
    return {
      n,
      value: fib(n),
      next: n < MAX_N ? request.routeUrl("fibonacci", { parts: { n: String(n + 1) } }) : null,
    };
  },
);
