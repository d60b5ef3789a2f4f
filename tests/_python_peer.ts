// A Python process (Debian's /usr/bin/python3) used as an oracle by differential tests:
// one process per test, requests and answers as JSON lines over stdin/stdout.

const PYTHON = "/usr/bin/python3";

async function run(command: string, args: string[]): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(command, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
      env: { DEBIAN_FRONTEND: "noninteractive" },
    }).output();
    return success;
  } catch {
    return false;
  }
}

/**
 * Returns why `/usr/bin/python3` cannot import `modules`, installing the Debian `packages`
 * with apt-get first if needed; undefined when it can.
 */
export async function ensurePython(
  modules: string[],
  packages: string[],
): Promise<string | undefined> {
  const probe = ["-c", modules.map((m) => `import ${m}`).join("; ")];
  if (await run(PYTHON, probe)) return undefined;
  if (Deno.build.os === "linux") {
    if (!(await run("apt-get", ["install", "-y", ...packages]))) {
      await run("apt-get", ["update"]);
      await run("apt-get", ["install", "-y", ...packages]);
    }
    if (await run(PYTHON, probe)) return undefined;
  }
  return `${PYTHON} cannot import ${modules.join(", ")} and \`apt-get install -y ${
    packages.join(" ")
  }\` failed (needs root and a reachable Debian archive)`;
}

/** A running Python peer: `call(op, args)` sends one request and waits for its answer. */
export class PythonPeer {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #lines: AsyncIterator<string>;
  #encoder = new TextEncoder();

  /**
   * Starts `script`, which must define `handle(op, args)`; the loop around it (read a
   * JSON line, answer `{"ok": value}` or `{"error": text}`) is added here.
   */
  constructor(script: string) {
    const loop = `
import json, sys, traceback
${script}
for line in sys.stdin:
    request = json.loads(line)
    try:
        answer = {"ok": handle(request["op"], request["args"])}
    except Exception as error:
        answer = {"error": "".join(traceback.format_exception(error))}
    sys.stdout.write(json.dumps(answer) + "\\n")
    sys.stdout.flush()
`;
    this.#child = new Deno.Command(PYTHON, {
      args: ["-c", loop],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.#lines = lines(this.#child.stdout)[Symbol.asyncIterator]();
  }

  /** Asks the peer; rejects with the Python traceback when it raised. */
  async call<T = unknown>(op: string, args: unknown): Promise<T> {
    await this.#writer.write(this.#encoder.encode(JSON.stringify({ op, args }) + "\n"));
    const { value, done } = await this.#lines.next();
    if (done) throw new Error(`the Python peer exited while answering ${op}`);
    const answer = JSON.parse(value);
    if ("error" in answer) throw new Error(`Python raised for ${op}:\n${answer.error}`);
    return answer.ok as T;
  }

  /** Ends the process and waits for it. */
  async close(): Promise<void> {
    await this.#writer.close();
    await this.#lines.return?.();
    await this.#child.status;
  }
}

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
    }
  }
}
