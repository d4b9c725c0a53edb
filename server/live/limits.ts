/**
 * What one key or one socket may hold on a server: open sockets per key (counted in this process:
 * a cheap guard against a runaway client, not a global quota) and rooms per socket.
 */
import type { Namespace, Socket } from 'socket.io';
import type { ClientToServerEvents, LiveSocketData, ServerToClientEvents } from '../../domain/protocol.js';

export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;

export class SocketsPerKey {
  private readonly open = new Map<string, number>();
  constructor(private readonly max: number) {}

  /** Whether the key may open one more socket here (0: no limit). */
  admits(keyId: string): boolean {
    return this.max <= 0 || (this.open.get(keyId) ?? 0) < this.max;
  }

  /** Counts a connected socket until it disconnects. */
  track(socket: LiveSocket): void {
    const keyId = socket.data.keyId;
    this.open.set(keyId, (this.open.get(keyId) ?? 0) + 1);
    socket.once('disconnect', () => {
      const n = (this.open.get(keyId) ?? 1) - 1;
      if (n > 0) this.open.set(keyId, n);
      else this.open.delete(keyId);
    });
  }
}

/** An error for the ack when joining `room` would exceed the socket's limit; null when it may. */
export function roomLimitError(socket: LiveSocket, room: string, max: number): string | null {
  if (socket.rooms.has(room)) return null;
  // socket.rooms holds the socket's own id as well.
  return socket.rooms.size - 1 >= max ? `too many subscriptions: at most ${max} per connection` : null;
}
