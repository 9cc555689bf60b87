/**
 * Whether the companion plugin is active (issue 15), on the fake clock: checked at start and every
 * interval, a plugin enabled or disabled is seen at the next check, a failed check keeps the last
 * known state and is logged once until a check answers again.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { companionPluginId, createPluginPresence } from '../../../src/adapters/mattermost/plugin-presence.ts';
import { pluginId } from '../../../webapp/src/register.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';

function presenceOn(answers: () => Promise<string[]>) {
  const clock = new FakeClock();
  const logged: string[] = [];
  const record = (_fields: Record<string, unknown>, message: string): void => void logged.push(message);
  const presence = createPluginPresence({ activeWebappPlugins: answers, clock, logger: { info: record, warn: record, error: record }, intervalMs: 60_000 });
  return { clock, logged, presence };
}

describe('the companion plugin presence', () => {
  it('asks for the id the plugin registers under and plugin.json declares (the three are written apart)', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../../plugin.json', import.meta.url), 'utf8')) as { id: string };
    expect([companionPluginId, pluginId]).toEqual([manifest.id, manifest.id]);
  });

  it('is checked at start and every interval: enabled, then disabled, is seen at the next check', async () => {
    let active = [companionPluginId, 'com.other.plugin'];
    const { clock, presence } = presenceOn(() => Promise.resolve(active));
    expect(presence.active()).toBe(false);
    expect(await presence.start()).toBe(true);
    active = ['com.other.plugin'];
    await clock.advance(59_000);
    expect(presence.active()).toBe(true);
    await clock.advance(1_000);
    expect(presence.active()).toBe(false);
    presence.stop();
    expect(clock.pending).toBe(0);
  });

  it('a failed check keeps the last known state and is logged once until one answers again', async () => {
    let failing = false;
    const { clock, logged, presence } = presenceOn(() =>
      failing ? Promise.reject(new Error('503 Service Unavailable')) : Promise.resolve([companionPluginId]),
    );
    await presence.start();
    const before = logged.length;
    failing = true;
    await clock.advance(3 * 60_000);
    expect(presence.active()).toBe(true);
    expect(logged.slice(before)).toEqual(['could not ask Mattermost whether the companion plugin is active; keeping the last known state']);
    failing = false;
    await clock.advance(60_000);
    expect(presence.active()).toBe(true);
    expect(logged.at(-1)).toBe('the companion plugin is active: posting cards');
    presence.stop();
  });

  it('a server that cannot be asked at start means plain posts', async () => {
    const { presence } = presenceOn(() => Promise.reject(new Error('cannot reach Mattermost')));
    expect(await presence.start()).toBe(false);
    presence.stop();
  });
});
