// The chat example under `deno task serve` with two server isolates, then two server
// processes: clients connected to different ones hear each other through the local broker
// (BroadcastChannel within a process, relayed by the supervisor between processes).
import assert from "node:assert/strict";

const ROOT = new URL("../../../", import.meta.url);
const CLI = new URL("src/serve/cli.ts", ROOT).pathname;
const APP = new URL("../app.ts", import.meta.url).pathname;

interface Client {
  socket: WebSocket;
  isolate: string;
  next(): Promise<{ isolate?: string; text?: string; hello?: string }>;
}

async function connect(port: number): Promise<Client> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/chat`);
  const inbox: string[] = [];
  const waiting: ((data: string) => void)[] = [];
  socket.onmessage = (event) => {
    const waiter = waiting.shift();
    if (waiter) waiter(event.data);
    else inbox.push(event.data);
  };
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no chat message within 5 s")), 5000);
      const take = (data: string) => {
        clearTimeout(timer);
        resolve(data);
      };
      const queued = inbox.shift();
      if (queued !== undefined) take(queued);
      else waiting.push(take);
    }).then((data) => JSON.parse(data));
  const hello = await next();
  return { socket, isolate: hello.hello, next };
}

async function close(client: Client): Promise<void> {
  const closed = new Promise((resolve) => client.socket.addEventListener("close", resolve));
  client.socket.close();
  await closed;
}

for (const model of ["isolates", "processes"]) {
  Deno.test(`chat: two server ${model} relay messages to each other's clients`, async () => {
    await chatAcross(model);
  });
}

async function chatAcross(model: string): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "aio-chat-" });
  const ini = `${dir}/chat.ini`;
  await Deno.writeTextFile(
    ini,
    `[app:main]\nuse = ${APP}#main\n\n[server:main]\nhost = 127.0.0.1\nport = 0\nworkers = 2\n` +
      `server_model = ${model}\naccess_log = false\n`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-net", CLI, ini],
    cwd: ROOT.pathname,
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const clients: Client[] = [];
  try {
    let output = "";
    let port = 0;
    while (!port) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the server exited before listening: ${output}`);
      output += value;
      const match = new RegExp(`Serving on http://127\\.0\\.0\\.1:(\\d+) \\(2 server ${model}`)
        .exec(output);
      if (match) port = Number(match[1]);
    }
    // reusePort spreads connections by hash: connect until two isolates are represented.
    const byIsolate = new Map<string, Client>();
    for (let attempt = 0; attempt < 40 && byIsolate.size < 2; attempt++) {
      const client = await connect(port);
      clients.push(client);
      if (!byIsolate.has(client.isolate)) byIsolate.set(client.isolate, client);
    }
    assert.equal(byIsolate.size, 2, "every connection landed on the same isolate");
    const [a, b] = [...byIsolate.values()];
    a.socket.send("hello from A");
    let line = await b.next();
    while (line.text !== "hello from A") line = await b.next();
    assert.equal(line.isolate, a.isolate);
    assert.notEqual(line.isolate, b.isolate);
    b.socket.send("and back from B");
    line = await a.next();
    while (line.text !== "and back from B") line = await a.next();
    assert.equal(line.isolate, b.isolate);
  } finally {
    for (const client of clients) await close(client);
    child.kill("SIGTERM");
    const status = await child.status;
    await reader.cancel();
    await Deno.remove(dir, { recursive: true });
    assert.equal(status.code, 0);
  }
}
