/**
 * A leader whose websocket stays down longer than its Lease asks to step down (issue 9, item 15);
 * a reconnect within that time does not count.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { watchConnection } from '../../src/connection-watchdog.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

it('steps down once the websocket stayed down for longer than the Lease, once', () => {
  let connected = true;
  let downs = 0;
  watchConnection({ connected: () => connected, limitMs: 15_000, onDown: () => downs++ });
  vi.advanceTimersByTime(5_000);
  connected = false;
  vi.advanceTimersByTime(15_000);
  expect(downs).toBe(0);
  vi.advanceTimersByTime(2_000);
  expect(downs).toBe(1);
  vi.advanceTimersByTime(60_000);
  expect(downs).toBe(1);
});

it('does not step down for blips shorter than the Lease', () => {
  let connected = true;
  let downs = 0;
  const watch = watchConnection({ connected: () => connected, limitMs: 15_000, onDown: () => downs++ });
  for (let i = 0; i < 10; i++) {
    connected = false;
    vi.advanceTimersByTime(10_000);
    connected = true;
    vi.advanceTimersByTime(2_000);
  }
  expect(downs).toBe(0);
  watch.stop();
});
