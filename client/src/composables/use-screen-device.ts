/**
 * The TV as a device (docs/wall.md, "Screen management 大屏管理"): a random id kept in local
 * storage, a `deviceHello` on every connect and every 30 s over the playlist's socket (page,
 * screen size, app version, JS heap where the browser tells it), and what the server sends the
 * device: its settings, `reload`, `identify`, and celebrations (one at a time, queued).
 */
import type { Socket } from 'socket.io-client';
import { onScopeDispose, ref, shallowRef, type Ref } from 'vue';
import { DEVICE_REPORT_MS, type Celebration, type DeviceAssignment, type DeviceReport } from '../../../domain/devices.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../domain/protocol.js';

export const DEVICE_ID_KEY = 'pulse.deviceId';
/** How long a celebration stays on screen. */
export const CELEBRATION_MS = 6_000;
/** At most this many wait their turn: a burst of orders does not keep the toast up for minutes. */
const CELEBRATION_QUEUE = 5;

let memoryId: string | null = null;

function newId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `tv-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The device's id: made once, kept in local storage (in memory where storage is forbidden). */
export function deviceIdOf(): string {
  try {
    const stored = localStorage.getItem(DEVICE_ID_KEY);
    if (stored && /^[A-Za-z0-9_-]{16,64}$/.test(stored)) return stored;
    const id = memoryId ?? newId();
    localStorage.setItem(DEVICE_ID_KEY, id);
    return id;
  } catch {
    return (memoryId ??= newId());
  }
}

export interface ScreenDevice {
  id: string;
  assignment: Readonly<Ref<DeviceAssignment | null>>;
  /** The name shown full-screen while `identify` lasts, else null. */
  identifying: Readonly<Ref<string | null>>;
  celebration: Readonly<Ref<Celebration | null>>;
  /** Reports now (the page changed), besides every 30 s. */
  report: () => void;
}

declare const __APP_VERSION__: string | undefined;

function heap(): Pick<DeviceReport, 'heapUsedBytes' | 'heapLimitBytes'> {
  // Chromium only (`performance.memory`); other browsers report none.
  const memory = (performance as Performance & { memory?: { usedJSHeapSize: number; jsHeapSizeLimit: number } }).memory;
  if (!memory) return {};
  return { heapUsedBytes: Math.round(memory.usedJSHeapSize), heapLimitBytes: Math.round(memory.jsHeapSizeLimit) };
}

export function useScreenDevice(
  socket: Socket<ServerToClientEvents, ClientToServerEvents>,
  screen: string,
  page: () => string,
  options: { reload?: () => void; reportMs?: number } = {},
): ScreenDevice {
  const id = deviceIdOf();
  const assignment = shallowRef<DeviceAssignment | null>(null);
  const identifying = ref<string | null>(null);
  const celebration = shallowRef<Celebration | null>(null);
  const queue: Celebration[] = [];
  let identifyTimer: ReturnType<typeof setTimeout> | undefined;
  let celebrationTimer: ReturnType<typeof setTimeout> | undefined;

  const report = (): DeviceReport => ({
    deviceId: id,
    screen,
    page: page().slice(0, 120),
    userAgent: navigator.userAgent.slice(0, 400),
    screenWidth: Math.min(20_000, Math.round(window.screen.width * (window.devicePixelRatio || 1))),
    screenHeight: Math.min(20_000, Math.round(window.screen.height * (window.devicePixelRatio || 1))),
    appVersion: typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'dev',
    ...heap(),
  });

  async function hello(): Promise<void> {
    if (!socket.connected) return;
    try {
      const res = await socket.timeout(10_000).emitWithAck('deviceHello', report());
      if ('data' in res) assignment.value = res.data;
    } catch {
      // No answer: the next report tries again.
    }
  }

  function showNext(): void {
    celebration.value = queue.shift() ?? null;
    if (celebration.value) celebrationTimer = setTimeout(showNext, CELEBRATION_MS);
    else celebrationTimer = undefined;
  }

  socket.on('connect', () => void hello());
  if (socket.connected) void hello();
  const timer = setInterval(() => void hello(), options.reportMs ?? DEVICE_REPORT_MS);
  socket.on('device', (a) => {
    if (a.id === id) assignment.value = a;
  });
  socket.on('deviceCommand', (c) => {
    if (c.command === 'reload') (options.reload ?? (() => window.location.reload()))();
    else {
      identifying.value = c.name;
      clearTimeout(identifyTimer);
      identifyTimer = setTimeout(() => (identifying.value = null), c.ms);
    }
  });
  socket.on('celebration', (c) => {
    if (queue.length >= CELEBRATION_QUEUE) return;
    queue.push(c);
    if (!celebrationTimer) showNext();
  });

  onScopeDispose(() => {
    clearInterval(timer);
    clearTimeout(identifyTimer);
    clearTimeout(celebrationTimer);
  });

  return { id, assignment, identifying, celebration, report: () => void hello() };
}
