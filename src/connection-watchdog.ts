/**
 * Tells when a connection has stayed down too long: the leading replica's websocket, which alone
 * hears mentions. A leader that stays deaf for longer than its Lease steps down so a healthy replica
 * takes over (issue 9, item 15); a short blip (a reconnect) does not count.
 */
import { systemClock, type Clock } from './core/ports/clock.ts';

export interface ConnectionWatchdogOptions {
  connected: () => boolean;
  /** How long the connection may stay down before `onDown`. */
  limitMs: number;
  onDown: () => void;
  /** How often to look (default 1 s). */
  everyMs?: number;
  /** Whose time and timer (default: the system clock). */
  clock?: Pick<Clock, 'now' | 'every'>;
}

/** Calls `onDown` once the connection has been down for longer than `limitMs`; then stops watching. */
export function watchConnection(o: ConnectionWatchdogOptions): { stop(): void } {
  const clock = o.clock ?? systemClock;
  const now = (): number => clock.now().getTime();
  let downSince: number | undefined;
  const timer = clock.every(
    o.everyMs ?? 1_000,
    () => {
      if (o.connected()) {
        downSince = undefined;
        return;
      }
      downSince ??= now();
      if (now() - downSince <= o.limitMs) return;
      timer.cancel();
      o.onDown();
    },
    { background: true },
  );
  return { stop: () => timer.cancel() };
}
