/** Room names of the live namespace: one per store, and one for the group. */
import { GROUP } from '../../domain/protocol.js';

export const roomOf = (store: string) => `store:${store}`;
export const storeOfRoom = (room: string) => (room.startsWith('store:') ? room.slice(6) : null);
export const GROUP_ROOM = roomOf(GROUP);

/** TVs playing a screen playlist; kept apart from store rooms (no `store:` prefix). */
export const screenRoom = (name: string) => `screen:${name}`;

/** One registered TV's socket(s): commands and settings for the device (server/live/device-socket.ts). */
export const deviceRoom = (id: string) => `device:${id}`;
/** TVs of a store with celebrations on. */
export const celebrateRoom = (store: string) => `celebrate:${store}`;
