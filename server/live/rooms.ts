/** Room names of the live namespace: one per store, and one for the group. */
import { GROUP } from '../../domain/protocol.js';

export const roomOf = (store: string) => `store:${store}`;
export const storeOfRoom = (room: string) => (room.startsWith('store:') ? room.slice(6) : null);
export const GROUP_ROOM = roomOf(GROUP);

/** TVs playing a screen playlist; kept apart from store rooms (no `store:` prefix). */
export const screenRoom = (name: string) => `screen:${name}`;
