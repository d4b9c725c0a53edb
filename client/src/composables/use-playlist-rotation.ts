/**
 * Rotation through a playlist: each item for its `seconds`, then the next, looping. A new playlist
 * (a new object, i.e. a new version) starts again at item 0.
 */
import { computed, onScopeDispose, ref, watch, type Ref } from 'vue';
import type { PlaylistItem, Screen } from '../../../domain/screens.js';

export function usePlaylistRotation(screen: Readonly<Ref<Screen | null>>) {
  const index = ref(0);
  /** Counts every change of item, to restart whatever follows the item's time (a progress bar). */
  const turn = ref(0);
  let timer: ReturnType<typeof setTimeout> | undefined;

  function schedule(): void {
    clearTimeout(timer);
    timer = undefined;
    const items = screen.value?.items ?? [];
    const item = items[index.value];
    if (!item || items.length < 2) return;
    timer = setTimeout(() => {
      index.value = (index.value + 1) % items.length;
      turn.value += 1;
      schedule();
    }, item.seconds * 1000);
  }

  watch(
    screen,
    () => {
      index.value = 0;
      turn.value += 1;
      schedule();
    },
    { immediate: true },
  );

  onScopeDispose(() => clearTimeout(timer));

  const item = computed<PlaylistItem | null>(() => screen.value?.items[index.value] ?? null);
  const count = computed(() => screen.value?.items.length ?? 0);
  return { index, item, count, turn };
}
