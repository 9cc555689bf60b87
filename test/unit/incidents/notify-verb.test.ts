/** `notify here [name|all]`, `notify off`, `notify list`: routes kept in the state store, authorised by the notify right. */
import { describe, expect, it } from 'vitest';
import { channelFor, routesDocument } from '../../../src/core/incidents/routes.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { createHarness } from '../../support/core-harness.ts';
import type { Caller } from '../../../src/core/model/caller.ts';

const chatIn = (name: string, channel: string): Caller => ({ id: `mm-${name}`, name: `@${name}`, via: 'mattermost', team: 'ops', channel });
const policy = PolicySchema.parse({
  roles: { lead: { verbs: ['*'] }, operator: { verbs: ['status', 'list', 'notify'] } },
  bindings: [
    { role: 'lead', subjects: [{ user: 'alice' }, { terminal: '*' }] },
    { role: 'operator', subjects: [{ user: 'bob' }], scope: { namespaces: ['chat'] } },
  ],
});

function harness() {
  const h = createHarness({ policy, incidentChannel: 'default-channel-id' });
  h.gateway.seed('chat', 'mattermost', { replicas: 2 });
  h.gateway.seed('staging', 'mattermost-staging', { replicas: 1 });
  return h;
}

describe('notify', () => {
  it('here routes one installation, or all, to the channel typed in; the installation route wins', async () => {
    const h = harness();
    expect((await h.run('notify here mattermost', chatIn('bob', 'incidents'), { channelId: 'chan-inc' })).text).toBe(
      'Incident threads for chat/mattermost go to this channel now.',
    );
    expect((await h.run('notify here all', chatIn('alice', 'ops'), { channelId: 'chan-ops' })).text).toBe(
      'Incident threads for every installation go to this channel now.',
    );
    const routes = h.state.peek(routesDocument)!;
    expect(channelFor(routes, { namespace: 'chat', name: 'mattermost' }, 'default-channel-id')).toBe('chan-inc');
    expect(channelFor(routes, { namespace: 'staging', name: 'mattermost-staging' }, 'default-channel-id')).toBe('chan-ops');
    const list = await h.run('notify list', chatIn('bob', 'incidents'), { channelId: 'chan-inc' });
    expect(list.text).toContain('chat/mattermost');
    expect(list.text).toContain('Installations without a route of their own go to the all route.');
  });

  it('off removes every route to this channel, and incidents fall back to the default channel', async () => {
    const h = harness();
    await h.run('notify here mattermost', chatIn('alice', 'incidents'), { channelId: 'chan-inc' });
    await h.run('notify here mattermost-staging', chatIn('alice', 'incidents'), { channelId: 'chan-inc' });
    expect((await h.run('notify off', chatIn('alice', 'incidents'), { channelId: 'chan-inc' })).text).toBe(
      'This channel gets no more incident threads of 2 routes.',
    );
    expect(channelFor(h.state.peek(routesDocument)!, { namespace: 'chat', name: 'mattermost' }, 'default-channel-id')).toBe('default-channel-id');
    expect((await h.run('notify list', chatIn('alice', 'incidents'), { channelId: 'chan-inc' })).text).toContain('No routes yet');
  });

  it('off removes only the routes the caller holds the notify right over, and names the ones it keeps', async () => {
    const h = harness();
    await h.run('notify here mattermost', chatIn('alice', 'incidents'), { channelId: 'chan-inc' });
    await h.run('notify here mattermost-staging -n staging', chatIn('alice', 'incidents'), { channelId: 'chan-inc' });
    await h.run('notify here all', chatIn('alice', 'incidents'), { channelId: 'chan-inc' });
    // bob may notify in chat only.
    expect((await h.run('notify off', chatIn('bob', 'incidents'), { channelId: 'chan-inc' })).text).toBe(
      'This channel gets no more incident threads of 1 route. Kept, as you lack the notify right on them: staging/mattermost-staging, all.',
    );
    expect(
      h.state
        .peek(routesDocument)!
        .routes.map((r) => r.target)
        .sort(),
    ).toEqual(['*', 'staging/mattermost-staging']);
  });

  it('refuses all without the right everywhere, an installation outside the caller scope, and here in a terminal', async () => {
    const h = harness();
    const bob = chatIn('bob', 'incidents');
    expect((await h.run('notify here all', bob, { channelId: 'chan-inc' })).text).toMatch(/needs the notify right everywhere/);
    expect((await h.run('notify here mattermost-staging -n staging', bob, { channelId: 'chan-inc' })).reply.error).toBe('forbidden');
    expect((await h.run('notify here mattermost')).text).toMatch(/works in a chat channel/);
    expect(h.state.peek(routesDocument)).toBeUndefined();
  });
});
