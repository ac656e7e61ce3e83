// Interop check of placet-devserver with the official socket.io v4 JavaScript client.
//
// Run by tests/server/main.rs (module `js_interop`) with:
//   BASE_URL   http://127.0.0.1:<port>
//   TICKET     a fresh ws-ticket of the admin user
//   JWT        the admin's access token (to post a user message)
//   CHANNEL_ID one of the admin's agent ids
//   API_KEY    the admin's API key (to act as the agent)
// Exits 0 and prints "ok" when every check passes; otherwise prints the failure and exits 1.

import { createServer } from "node:http";
import { io } from "socket.io-client";

const { BASE_URL, TICKET, JWT, CHANNEL_ID, API_KEY } = process.env;
if (!BASE_URL || !TICKET || !JWT || !CHANNEL_ID || !API_KEY) {
  console.error("BASE_URL, TICKET, JWT, CHANNEL_ID and API_KEY must be set");
  process.exit(2);
}

const fail = (why) => {
  console.error(`FAIL: ${why}`);
  process.exit(1);
};

const withTimeout = (ms, what, executor) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout waiting for ${what}`)), ms);
    executor(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });

// 1. A bad token gets connect_error "unauthorized" and never connect.
async function badTokenIsRefused() {
  const socket = io(`${BASE_URL}/ws`, {
    auth: { token: "not-a-jwt" },
    transports: ["websocket"],
    reconnection: false,
  });
  try {
    const message = await withTimeout(5000, "connect_error", (resolve, reject) => {
      socket.on("connect", () => reject(new Error("connected with a bad token")));
      socket.on("connect_error", (err) => resolve(err.message));
    });
    if (message !== "unauthorized") fail(`connect_error message was ${JSON.stringify(message)}`);
  } finally {
    socket.close();
  }
}

const waitFor = (what, list, pred) =>
  withTimeout(5000, what, (resolve) => {
    const check = () => {
      const found = list.find(pred);
      if (found) resolve(found);
      else setTimeout(check, 20);
    };
    check();
  });

const agentCall = async (method, path, body) => {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-api-key": API_KEY },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
};

// 2. A ticket connects; subscribe + ping/pong; message:created arrives exactly once;
//    message:delivery (channel room only) proves the subscription; the kick control
//    ends the socket with "io server disconnect".
async function ticketConnectsAndReceives() {
  const socket = io(`${BASE_URL}/ws`, {
    auth: { token: TICKET },
    transports: ["websocket"],
    reconnection: false,
  });
  const created = [];
  const deliveries = [];
  socket.on("message:created", (m) => created.push(m));
  socket.on("message:delivery", (d) => deliveries.push(d));
  try {
    const pongArgs = await withTimeout(5000, "connect and pong", (resolve, reject) => {
      socket.on("connect_error", (err) => reject(new Error(`connect_error ${err.message}`)));
      socket.on("pong", (...args) => resolve(args));
      socket.on("connect", () => {
        socket.emit("subscribe:channel", CHANNEL_ID);
        socket.emit("ping");
      });
    });
    if (pongArgs.length !== 0) fail(`pong carried arguments: ${JSON.stringify(pongArgs)}`);

    // subscribe:channel has no ack: wait until the server shows the room joined.
    await withTimeout(5000, "channel room joined", (resolve) => {
      const check = async () => {
        const sockets = await (await fetch(`${BASE_URL}/__dev/sockets`)).json();
        if (sockets.some((s) => s.rooms.includes(`channel:${CHANNEL_ID}`))) resolve();
        else setTimeout(check, 20);
      };
      check();
    });

    const response = await fetch(`${BASE_URL}/api/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": API_KEY },
      body: JSON.stringify({ channelId: CHANNEL_ID, text: "Hello from the JS interop test" }),
    });
    if (response.status !== 201) fail(`POST /api/v1/messages answered ${response.status}`);
    const posted = await response.json();

    await withTimeout(5000, "message:created", (resolve) => {
      const check = () => (created.some((m) => m.id === posted.id) ? resolve() : setTimeout(check, 20));
      check();
    });
    const event = created.find((m) => m.id === posted.id);
    if (typeof event.agentName !== "string" || event.agentName.length === 0) {
      fail("message:created has no agentName");
    }

    const ack = await fetch(
      `${BASE_URL}/api/v1/messages/${posted.id}/ack?channel=${encodeURIComponent(CHANNEL_ID)}`,
      { method: "POST", headers: { "x-api-key": API_KEY } },
    );
    if (ack.status !== 200) fail(`ack answered ${ack.status}`);
    await withTimeout(5000, "message:delivery", (resolve) => {
      const check = () =>
        deliveries.some((d) => d.messageId === posted.id && d.deliveryStatus === "agent_received")
          ? resolve()
          : setTimeout(check, 20);
      check();
    });

    // The socket is in both user and channel rooms: still exactly one copy.
    await new Promise((r) => setTimeout(r, 300));
    const copies = created.filter((m) => m.id === posted.id).length;
    if (copies !== 1) fail(`message:created arrived ${copies} times`);

    // 3. The kick control disconnects from the server side.
    const reason = await withTimeout(5000, "disconnect after kick", (resolve, reject) => {
      socket.on("disconnect", (r) => resolve(r));
      fetch(`${BASE_URL}/__dev/kick`, { method: "POST" })
        .then((r) => (r.status === 200 ? null : reject(new Error(`kick answered ${r.status}`))))
        .catch(reject);
    });
    if (reason !== "io server disconnect") fail(`disconnect reason was ${JSON.stringify(reason)}`);
  } finally {
    socket.close();
  }
}

// 3. Streams, webhooks and status pings: message:updated from a PATCHed draft,
//    message:delivery after a webhook to a local receiver, agent:status after a ping.
async function streamsWebhooksAndStatus() {
  const hooks = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      hooks.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const hookUrl = `http://127.0.0.1:${receiver.address().port}/hook`;

  const socket = io(`${BASE_URL}/ws`, {
    auth: { token: TICKET },
    transports: ["websocket"],
    reconnection: false,
  });
  const updated = [];
  const deliveries = [];
  const statuses = [];
  socket.on("message:updated", (m) => updated.push(m));
  socket.on("message:delivery", (d) => deliveries.push(d));
  socket.on("agent:status", (s) => statuses.push(s));
  const connected = withTimeout(5000, "connect", (resolve, reject) => {
    socket.on("connect_error", (err) => reject(new Error(`connect_error ${err.message}`)));
    socket.on("connect", resolve);
  });
  try {
    const hooked = await agentCall("POST", "/api/v1/agents", { name: "JS hooked", webhookUrl: hookUrl });
    if (hooked.status !== 201) fail(`creating an agent answered ${hooked.status}`);
    await connected;
    socket.emit("subscribe:channel", CHANNEL_ID);
    socket.emit("subscribe:channel", hooked.body.id);
    await withTimeout(5000, "both channel rooms joined", (resolve) => {
      const check = async () => {
        const sockets = await (await fetch(`${BASE_URL}/__dev/sockets`)).json();
        const rooms = sockets.flatMap((s) => s.rooms);
        if (rooms.includes(`channel:${CHANNEL_ID}`) && rooms.includes(`channel:${hooked.body.id}`)) resolve();
        else setTimeout(check, 20);
      };
      check();
    });

    const draft = await agentCall("POST", "/api/v1/messages", {
      channelId: CHANNEL_ID,
      text: "Str",
      streamId: "js-stream",
      streamState: "streaming",
    });
    if (draft.status !== 201) fail(`creating a draft answered ${draft.status}`);
    const patched = await agentCall("PATCH", "/api/v1/messages/streams/js-stream", {
      channelId: CHANNEL_ID,
      text: "Streamed",
      complete: true,
    });
    if (patched.status !== 200) fail(`PATCH answered ${patched.status}`);
    const update = await waitFor("message:updated", updated, (m) => m.id === draft.body.id);
    if (update.text !== "Streamed" || update.streamState !== "complete" || update.agentName !== "Deploy Bot") {
      fail(`message:updated was ${JSON.stringify(update)}`);
    }

    const posted = await fetch(`${BASE_URL}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${JWT}` },
      body: JSON.stringify({ channelId: hooked.body.id, text: "Over to you" }),
    });
    if (posted.status !== 201) fail(`POST /api/messages answered ${posted.status}`);
    const userMessage = await posted.json();
    const delivery = await waitFor("message:delivery", deliveries, (d) => d.messageId === userMessage.id);
    if (delivery.deliveryStatus !== "webhook_delivered") fail(`delivery was ${JSON.stringify(delivery)}`);
    const hook = await waitFor("the webhook", hooks, (h) => h.message?.id === userMessage.id);
    if (hook.event !== "message:created") fail(`webhook was ${JSON.stringify(hook)}`);

    const ping = await agentCall("POST", "/api/v1/status/ping", {
      agentId: CHANNEL_ID,
      status: "busy",
      message: "Interop",
    });
    if (ping.status !== 201) fail(`ping answered ${ping.status}`);
    const status = await waitFor("agent:status", statuses, (s) => s.agentId === CHANNEL_ID);
    const expected = { agentId: CHANNEL_ID, status: "busy", statusMessage: "Interop", statusSince: ping.body.statusSince };
    if (JSON.stringify(status) !== JSON.stringify(expected)) fail(`agent:status was ${JSON.stringify(status)}`);
  } finally {
    socket.close();
    receiver.close();
  }
}

try {
  await badTokenIsRefused();
  await streamsWebhooksAndStatus();
  await ticketConnectsAndReceives();
  console.log("ok");
  process.exit(0);
} catch (e) {
  fail(e.message);
}
