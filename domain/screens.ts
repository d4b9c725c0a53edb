/** Wall pages and screen playlists: a TV opened on /screen/{name} rotates through its pages. */
import { z } from 'zod';

export const WALL_PAGES = ['overview', 'sales', 'service', 'marketing', 'value'] as const;
export type WallPage = (typeof WALL_PAGES)[number];

export const screenName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Za-z0-9_-');

export const playlistItem = z.strictObject({
  page: z.enum(WALL_PAGES),
  /** A store code, or "*" for the group. */
  store: z.string().regex(/^(\*|[A-Za-z0-9_-]{1,32})$/, 'must be a store code or "*"'),
  seconds: z.number().int().min(5).max(3600),
});
export type PlaylistItem = z.infer<typeof playlistItem>;

export const screenSettings = z.strictObject({
  title: z.string().min(1).max(64).optional(),
  items: z.array(playlistItem).min(1).max(50),
});
export type ScreenSettings = z.infer<typeof screenSettings>;

export interface Screen extends ScreenSettings {
  name: string;
  /** Bumped on every change, so a TV can tell a new playlist from the one it plays. */
  version: number;
  updatedAt: string;
}
