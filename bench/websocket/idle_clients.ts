// Holds COUNT idle websocket connections to URL open until stdin closes; prints
// `OPEN <n>` when they are all up.
import { open } from "./_load.ts";

const [url, countArg] = Deno.args;
const count = Number(countArg);
const sockets: WebSocket[] = [];
const batch = 250;
for (let i = 0; i < count; i += batch) {
  const size = Math.min(batch, count - i);
  sockets.push(...await Promise.all(Array.from({ length: size }, () => open(url))));
}
console.log(`OPEN ${sockets.length}`);
// Wait for the harness to close our stdin, then leave (the OS closes the sockets).
for await (const _ of Deno.stdin.readable) { /* drain */ }
Deno.exit(0);
