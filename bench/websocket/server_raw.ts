// The baseline: the same echo on bare Deno.serve + Deno.upgradeWebSocket, on PORT.
const port = Number(Deno.args[0]);
const server = Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: () => console.log(`READY ${port}`),
}, (request) => {
  if (new URL(request.url).pathname !== "/echo") return new Response("Not Found", { status: 404 });
  const { socket, response } = Deno.upgradeWebSocket(request, { idleTimeout: 120 });
  socket.onmessage = (event) => socket.send(event.data);
  return response;
});
Deno.addSignalListener("SIGTERM", async function stop() {
  await server.shutdown();
  Deno.exit(0);
});
