import { getCurrentScope, onScopeDispose, readonly, ref, type Ref } from 'vue';

/** One shared clock for the page, ticking once a second while anything uses it. */
const now = ref(Date.now());
let users = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

function schedule(): void {
  // Wake just after each full second, so that the clock on the wall changes on time.
  timer = setTimeout(
    () => {
      now.value = Date.now();
      schedule();
    },
    1000 - (Date.now() % 1000) + 5,
  );
}

export function useNow(): Readonly<Ref<number>> {
  users += 1;
  if (timer === undefined) {
    now.value = Date.now();
    schedule();
  }
  if (getCurrentScope()) {
    onScopeDispose(() => {
      users -= 1;
      if (users === 0 && timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
    });
  }
  return readonly(now);
}
