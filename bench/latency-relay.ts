/**
 * The bare relay the latency measurement compares the product with: plain Socket.IO and one
 * ioredis subscriber, no product code. `subscribe` {store} joins the room `store:<store>`; every
 * message on the Redis channel (JSON with a `store`) is emitted as `kpis` to that room at once —
 * no snapshot, no coalescing. Prints `ready` once listening.
 *
 *   REDIS_URL=… RELAY_PORT=… RELAY_CHANNEL=… node --import tsx bench/latency-relay.ts
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const redisUrl = process.env.REDIS_URL!;
const port = Number(process.env.RELAY_PORT);
const channel = process.env.RELAY_CHANNEL!;

const http = createServer();
const io = new Server(http, { serveClient: false });
const live = io.of('/live');
live.on('connection', (socket) => {
  socket.on('subscribe', async (payload: { store: string }, ack: (res: unknown) => void) => {
    await socket.join(`store:${payload.store}`);
    ack({ data: { store: payload.store, seq: 0 } });
  });
});

const subscriber = new Redis(redisUrl);
subscriber.on('message', (_channel: string, message: string) => {
  const msg = JSON.parse(message) as { store: string };
  live.to(`store:${msg.store}`).emit('kpis', msg);
});
await subscriber.subscribe(channel);
http.listen(port, '127.0.0.1', () => console.log('ready'));
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(0));
