import assert from "node:assert/strict";
import { call } from "./_helpers.ts";
import { Executor } from "../../src/executor/mod.ts";
import { decodeFrom, encodeInto } from "../../src/executor/_wire.ts";

function roundTrip(value: unknown): unknown {
  const buffer = new Uint8Array(new SharedArrayBuffer(64 * 1024));
  const length = encodeInto(value, buffer);
  assert.ok(length > 0, `encodes ${Deno.inspect(value)}`);
  return decodeFrom(buffer, length);
}

Deno.test("wire: JSON values, undefined members and bytes round-trip exactly", () => {
  const body = new Uint8Array([0, 1, 2, 255, 128]);
  const value = {
    a: 1,
    s: "é\u{1F600}\ud800",
    nothing: undefined,
    list: [undefined, null, true, { deep: [body.subarray(1, 3)] }],
    body,
    empty: new Uint8Array(0),
    "__proto__x": 2,
  };
  const back = roundTrip(value) as typeof value;
  assert.deepStrictEqual(back, structuredClone(value));
  assert.deepEqual(Object.keys(back), Object.keys(value), "key order survives");
  assert.ok(back.body instanceof Uint8Array && !(back.body.buffer instanceof SharedArrayBuffer));
  assert.equal(roundTrip(undefined), undefined);
  assert.deepStrictEqual(roundTrip([1, "x"]), [1, "x"]);
});

Deno.test("wire: values JSON cannot carry, or too big, are refused (-1)", () => {
  const buffer = new Uint8Array(new SharedArrayBuffer(1024));
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  // deno-lint-ignore no-sparse-arrays
  const sparse = [1, , 3];
  for (
    const value of [
      NaN,
      -0,
      Infinity,
      10n,
      new Date(0),
      new Map(),
      () => 1,
      Symbol("s"),
      cyclic,
      sparse,
      new Uint16Array(2),
      new Uint8Array(new SharedArrayBuffer(2)),
      "x".repeat(2000),
      new Uint8Array(2000),
      {
        get boom(): number {
          throw new Error("boom");
        },
      },
    ]
  ) {
    assert.equal(encodeInto(value, buffer), -1, `refuses ${Deno.inspect(value)}`);
  }
});

Deno.test("run: arguments and results the buffer cannot carry go by postMessage", async () => {
  const executor = new Executor({ maxWorkers: 1 });
  try {
    const big = new Uint8Array(512 * 1024).fill(7);
    const [date, bytes, map] = await executor.run(
      call("describeArgs", new Date(0), big, new Map()),
    ) as string[];
    assert.deepEqual([date, bytes, map], ["[object Date]", "[object Uint8Array]", "[object Map]"]);
    const echoed = await executor.run(call("echo", big)) as Uint8Array;
    assert.equal(echoed.length, big.length);
    assert.equal(echoed[1234], 7);
    const date0 = await executor.run(call("returnsDate"));
    assert.ok(date0 instanceof Date && date0.getTime() === 0);
    // and the buffer path still works after the fallbacks
    const snapshot = { body: new Uint8Array([1, 2, 3]), draft: undefined, n: -1 };
    assert.deepStrictEqual(await executor.run(call("echo", snapshot)), snapshot);
    assert.equal(await executor.run(call("echo")), undefined);
  } finally {
    await executor.close({ graceMs: 0 });
  }
});

Deno.test("run: a job that needs the worker's event loop finishes, many in a row", async () => {
  const executor = new Executor({ maxWorkers: 2 });
  try {
    assert.equal(await executor.run(call("schedulesTimer")), 42);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => executor.run(call("add", i, 1))),
    );
    assert.deepEqual(results, Array.from({ length: 200 }, (_, i) => i + 1));
  } finally {
    await executor.close({ graceMs: 0 });
  }
});
