/**
 * Rooms per socket. (Open sockets per key are counted across servers in Redis: socket-leases.ts;
 * messages per socket: message-budget.ts.)
 */
import type { Namespace, Socket } from 'socket.io';
import type { ClientToServerEvents, LiveSocketData, ServerToClientEvents } from '../../domain/protocol.js';

export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;

/** An error for the ack when joining `room` would exceed the socket's limit; null when it may. */
export function roomLimitError(socket: LiveSocket, room: string, max: number): string | null {
  if (socket.rooms.has(room)) return null;
  // socket.rooms holds the socket's own id as well.
  return socket.rooms.size - 1 >= max ? `too many subscriptions: at most ${max} per connection` : null;
}
