/**
 * What the core records as commands run (through the harness, on the fake recorder): each command
 * by verb and outcome with its duration, each audited change phase by verb, each failure by code;
 * a word that names no verb is counted as `unknown`, never as itself.
 */
import { describe, expect, it } from 'vitest';
import { changePhasesTotal, commandDurationSeconds, commandsTotal, errorsTotal } from '../../src/core/metrics-catalog.ts';
import { PolicySchema } from '../../src/core/policy/policy-schema.ts';
import { chatUser, createHarness, type Harness } from '../support/core-harness.ts';

const commands = (h: Harness, verb: string, outcome: string): number => h.metrics.value(commandsTotal, { verb, outcome });
const phase = (h: Harness, verb: string, name: string): number => h.metrics.value(changePhasesTotal, { verb, phase: name });
const codeOf = (text: string): string => /confirm ([0-9a-f]{8})/.exec(text)?.[1] ?? '';

describe('commands', () => {
  it('counts a read verb by its name (an alias too) with outcome ok, and times it', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    await h.run('status mattermost');
    await h.run('st mattermost');
    expect(commands(h, 'status', 'ok')).toBe(2);
    const timed = h.metrics.observations(commandDurationSeconds, { verb: 'status' });
    expect(timed.count).toBe(2);
    expect(timed.sum).toBeGreaterThan(0);
    expect(timed.sum).toBeLessThan(5);
  });

  it('counts what a user typed that names no verb as unknown, with its error code', async () => {
    const h = createHarness();
    const { reply } = await h.run('DROP TABLE users; password=hunter2');
    expect(reply.error).toBe('usage');
    expect(commands(h, 'unknown', 'usage')).toBe(1);
    expect(h.metrics.value(errorsTotal, { code: 'usage' })).toBe(1);
  });

  it('counts a usage mistake under the verb it was meant for', async () => {
    const h = createHarness();
    await h.run('scale mattermost -1');
    expect(commands(h, 'scale', 'usage')).toBe(1);
  });

  it('counts a refusal as forbidden, and an installation that is not there as not_found', async () => {
    const h = createHarness({ policy: PolicySchema.parse({ roles: {}, bindings: [] }) });
    await h.run('status mattermost', chatUser('mallory'));
    expect(commands(h, 'status', 'forbidden')).toBe(1);
    expect(h.metrics.value(errorsTotal, { code: 'forbidden' })).toBe(1);
    const open = createHarness();
    await open.run('status nothing-here');
    expect(commands(open, 'status', 'not_found')).toBe(1);
  });

  it('counts an unexpected failure as internal', async () => {
    const h = createHarness();
    h.gateway.getInstallation = () => Promise.reject(new Error('socket hang up'));
    await h.run('status mattermost');
    expect(commands(h, 'status', 'internal')).toBe(1);
    expect(h.metrics.value(errorsTotal, { code: 'internal' })).toBe(1);
  });
});

describe('change phases', () => {
  it('counts every audited step of a change applied at once', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    await h.run('scale mattermost 5');
    expect(commands(h, 'scale', 'ok')).toBe(1);
    expect([phase(h, 'scale', 'requested'), phase(h, 'scale', 'applied'), phase(h, 'scale', 'succeeded')]).toEqual([1, 1, 1]);
    expect(phase(h, 'scale', 'confirmed')).toBe(0);
  });

  it('counts a plan waiting for its confirmation as pending, then its confirmation, or its cancellation', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 6 });
    const plan = await h.run('scale mattermost 2');
    expect(commands(h, 'scale', 'pending')).toBe(1);
    await h.run(`confirm ${codeOf(plan.text)}`);
    expect(commands(h, 'confirm', 'ok')).toBe(1);
    expect(phase(h, 'scale', 'confirmed')).toBe(1);
    expect(phase(h, 'scale', 'succeeded')).toBe(1);

    const second = await h.run('scale mattermost 0');
    await h.run(`cancel ${codeOf(second.text)}`);
    expect(phase(h, 'scale', 'cancelled')).toBe(1);
    expect(phase(h, 'scale', 'requested')).toBe(2);
  });

  it('counts a change refused on its installation as denied', async () => {
    // Scale only in staging, status everywhere: chat/mattermost is found, then refused by name.
    const h = createHarness({
      policy: PolicySchema.parse({
        roles: { scaler: { verbs: ['scale'] }, reader: { verbs: ['status'] } },
        bindings: [
          { role: 'scaler', subjects: [{ terminal: '*' }], scope: { namespaces: ['staging'] } },
          { role: 'reader', subjects: [{ terminal: '*' }] },
        ],
      }),
    });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    await h.run('scale mattermost 3');
    expect(phase(h, 'scale', 'denied')).toBe(1);
    expect(commands(h, 'scale', 'forbidden')).toBe(1);
  });
});
