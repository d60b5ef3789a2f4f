import assert from "node:assert/strict";

const EXAMPLE = new URL("../../examples/architecture.ts", import.meta.url);

Deno.test("examples/architecture.ts prints the doctest's six lines in order and exits", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", EXAMPLE.pathname],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  assert.deepEqual(new TextDecoder().decode(output.stdout).trimEnd().split("\n"), [
    "I am a traditional coroutine that needs to call the naive normal_function",
    "I am normal function that needs to call some_async_task",
    "I am a synchronized coroutine.",
    "Synchronized task done.",
    "I (normal_function) called it, and it is done now like I expect.",
    "All is done.",
  ]);
});
