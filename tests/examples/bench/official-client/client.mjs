// The official Socket.IO client (npm `socket.io-client`), receiving the same events as the
// tray in the notification-latency benchmark (tests/examples/bench.rs).
//
// node client.mjs URL API_KEY CHANNEL...
//
// Connects to the namespace /ws over WebSocket with the API key, subscribes to each
// channel, prints `ready`, then for every `message:created` prints
// `created <message id> <CLOCK_MONOTONIC in ns>`, taken first thing in the handler. The
// benchmark reads the same clock (Linux: process.hrtime is CLOCK_MONOTONIC, as is the
// benchmark's), so both sides' times compare without converting.
import { io } from 'socket.io-client';

const [url, apiKey, ...channels] = process.argv.slice(2);
const socket = io(`${url}/ws`, {
  transports: ['websocket'],
  auth: { apiKey },
  reconnection: false,
});

socket.on('message:created', (m) => {
  const at = process.hrtime.bigint();
  process.stdout.write(`created ${m && m.id} ${at}\n`);
});
socket.on('connect', () => {
  for (const c of channels) socket.emit('subscribe:channel', c);
  process.stdout.write('ready\n');
});
socket.on('connect_error', (e) => {
  process.stderr.write(`connect_error ${e.message}\n`);
  process.exit(1);
});
socket.on('disconnect', (reason) => {
  process.stderr.write(`disconnected: ${reason}\n`);
  process.exit(2);
});
