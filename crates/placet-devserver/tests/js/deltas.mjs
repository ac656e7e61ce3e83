// Streaming volume through placet-devserver with the official socket.io v4 client: an
// agent socket emits COUNT `message:delta` events and a subscribed viewer must receive
// all of them, in order.
//
// Run by tests/server/deltas.rs with BASE_URL, TICKET (a ws-ticket of the admin),
// CHANNEL_ID (an agent of the admin), API_KEY (the admin's key) and COUNT.
// Prints "ok <first-half-ms> <second-half-ms>" on success; otherwise the failure, exit 1.

import { io } from "socket.io-client";

const { BASE_URL, TICKET, CHANNEL_ID, API_KEY } = process.env;
const COUNT = Number(process.env.COUNT ?? 10000);
const fail = (why) => {
  console.error(`FAIL: ${why}`);
  process.exit(1);
};
const connect = (auth) =>
  new Promise((resolve, reject) => {
    const socket = io(`${BASE_URL}/ws`, { auth, transports: ["websocket"], reconnection: false });
    socket.on("connect", () => resolve(socket));
    socket.on("connect_error", (e) => reject(e));
  });
const pong = (socket) =>
  new Promise((resolve) => {
    socket.once("pong", resolve);
    socket.emit("ping");
  });

const timer = setTimeout(() => fail("timed out"), 120_000);
const viewer = await connect({ token: TICKET });
const agent = await connect({ apiKey: API_KEY });
viewer.emit("subscribe:channel", CHANNEL_ID);
// The server handles one socket's packets in order: after the pong, the join is done.
await pong(viewer);

const received = [];
let onCount = null;
viewer.on("message:delta", (d) => {
  received.push(d.delta);
  if (onCount && received.length >= onCount.n) onCount.resolve();
});
const until = (n) =>
  new Promise((resolve) => {
    if (received.length >= n) return resolve();
    onCount = { n, resolve };
  });

const halves = [];
for (const half of [0, 1]) {
  const started = performance.now();
  for (let n = (half * COUNT) / 2; n < ((half + 1) * COUNT) / 2; n++) {
    agent.emit("message:delta", { channelId: CHANNEL_ID, delta: `${n} `, streamId: "big" });
  }
  await until(((half + 1) * COUNT) / 2);
  halves.push(Math.round(performance.now() - started));
}
clearTimeout(timer);
if (received.length !== COUNT) fail(`received ${received.length} of ${COUNT}`);
for (let n = 0; n < COUNT; n++) if (received[n] !== `${n} `) fail(`delta ${n} out of order`);
console.log(`ok ${halves[0]} ${halves[1]}`);
viewer.close();
agent.close();
process.exit(0);
