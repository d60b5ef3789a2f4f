// The framework under test: the echo example's app (its `/echo` view), on PORT.
import { main } from "../../examples/echo/app.ts";

const port = Number(Deno.args[0]);
const app = await main({ "aio.debug": "false" });
const server = Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: () => console.log(`READY ${port}`),
}, app.fetch);
Deno.addSignalListener("SIGTERM", async function stop() {
  await app.close();
  await server.shutdown();
  Deno.exit(0);
});
