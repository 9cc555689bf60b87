/** The change pipeline on fakes: plans, confirmations, locks, audit, follow, and every refusal. */
import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { alice, chatUser, createHarness, openPolicy, otherHolder, type Harness } from '../../support/core-harness.ts';

const rv = (h: Harness, name = 'mattermost', ns = 'chat'): string | undefined => h.gateway.objects.get(`${ns}/${name}`)?.metadata.resourceVersion;
const phases = (h: Harness): string[] => h.audit.entries.map((e) => e.phase);
const codeOf = (text: string): string => /confirm ([0-9a-f]{8})/.exec(text)?.[1] ?? '';

describe('scale', () => {
  it('applies a change at once, follows it to stable, audits every step and frees the lock', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const progress: string[] = [];
    const { text, reply } = await h.run('scale mattermost 5', alice, { progress: (p) => progress.push(p) });
    expect(reply.tone).toBe('good');
    expect(text.split('\n')[0]).toBe('scale chat/mattermost: done, stable 5/5');
    expect(text).toContain('replicas 2 -> 5');
    expect(h.gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(5);
    expect(progress[0]).toBe('applied: replicas 2 -> 5');
    expect(phases(h)).toEqual(['requested', 'applied', 'succeeded']);
    expect(h.audit.entries[0]).toMatchObject({ requester: 'alice', via: 'terminal', verb: 'scale', namespace: 'chat', installation: 'mattermost' });
    expect(h.locks.entries.size).toBe(0);
  });

  it('asks the terminal to confirm a change when the adapter wants it, and --yes skips the question', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const asked = await h.run('scale mattermost 3', alice, { confirmChanges: true });
    expect(asked.reply.pending?.code).toMatch(/^[0-9a-f]{8}$/);
    expect(h.gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(2);
    expect((await h.run('scale mattermost 3 --yes', alice, { confirmChanges: true })).reply.tone).toBe('good');
  });

  it('treats scaling down by more than half as danger: plan, then confirm by the requester', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 6 });
    const before = rv(h);
    const plan = await h.run('scale mattermost 2');
    expect(plan.reply.tone).toBe('danger');
    expect(plan.text).toContain('scale chat/mattermost (danger, cluster sandbox-bot)');
    expect(plan.text).toContain('replicas 6 -> 2');
    expect(rv(h)).toBe(before);
    const done = await h.run(`confirm ${codeOf(plan.text)}`);
    expect(done.text.split('\n')[0]).toBe('scale chat/mattermost: done, stable 2/2');
    expect(phases(h)).toEqual(['requested', 'confirmed', 'applied', 'succeeded']);
  });

  it('--dry-run shows the server-side preview and changes nothing', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const before = rv(h);
    const { text } = await h.run('scale mattermost 4 --dry-run');
    expect(text).toContain('replicas 2 -> 4');
    expect(text).toContain('Dry run: the apiserver accepted this change; nothing was changed.');
    expect(rv(h)).toBe(before);
  });

  it('tells the second requester who holds the installation, and for how long', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    await h.locks.acquire(
      { cluster: 'sandbox-bot', namespace: 'chat', name: 'mattermost' },
      otherHolder('scale', '@alice', new Date(h.clock.now().getTime() - 40_000)),
    );
    const before = rv(h);
    const { text, reply } = await h.run('scale mattermost 4');
    expect(reply.error).toBe('conflict');
    expect(text).toContain('scale in progress on mattermost by @alice, started 40s ago');
    expect(rv(h)).toBe(before);
  });

  it('plans again once when the installation changed before the write, and says what changed', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 6 });
    const plan = await h.run('scale mattermost 2');
    await h.gateway.patchInstallation('chat', 'mattermost', { spec: { replicas: 5 } }, {});
    const done = await h.run(`confirm ${codeOf(plan.text)}`);
    expect(done.text).toContain('The installation changed while this was waiting (replicas 6 -> 5); planned again: replicas 5 -> 2.');
    expect(h.gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(2);
  });

  it('retries without a word when only the status moved before the write (the operator writes it all the time)', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    // Three status writes land, each just before one of our writes: three conflicts in a row.
    const write = h.gateway.write.bind(h.gateway);
    let churn = 3;
    h.gateway.write = (request, options) => {
      if (!options.dryRun && churn-- > 0) h.gateway.settle(request.namespace, request.name);
      return write(request, options);
    };
    const done = await h.run('scale mattermost 3 --yes');
    expect(done.reply.error).toBeUndefined();
    expect(done.text).not.toContain('changed while this was waiting');
    expect(churn).toBe(-1);
    expect(h.gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(3);
  });

  it('reports what is stuck when the deadline passes', async () => {
    const h = createHarness({ followTimeoutMs: 50 });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    h.gateway.autoSettle = false;
    const { text, reply } = await h.run('scale mattermost 3');
    expect(reply.error).toBe('unavailable');
    expect(text).toContain('scale chat/mattermost: not done by the deadline');
    expect(text).toContain('last state: reconciling');
    expect(phases(h)).toEqual(['requested', 'applied', 'timed-out']);
    expect(h.locks.entries.size).toBe(0);
  });
});

describe('upgrade, restart, env, create, delete', () => {
  it('upgrade is danger, shows the image change, and reports a failed update job with its reason', async () => {
    const h = createHarness({ followTimeoutMs: 1_000 });
    h.gateway.seed('chat', 'mattermost', { version: '9.9.0' });
    h.gateway.autoSettle = false;
    h.gateway.jobs.set('chat', [
      { name: 'mattermost-update-check', owner: 'mattermost', active: 0, succeeded: 0, failed: 1, createdAt: undefined, failureReason: undefined },
    ]);
    h.gateway.jobFailures.set('chat/mattermost-update-check', ['Error (exit 1): Failed to apply database migrations']);
    const plan = await h.run('upgrade mattermost 9.10.0');
    expect(plan.text).toContain('image mattermost/mattermost-enterprise-edition:9.9.0 -> mattermost/mattermost-enterprise-edition:9.10.0');
    const done = await h.run(`confirm ${codeOf(plan.text)}`);
    expect(done.text).toContain('upgrade chat/mattermost: failed');
    expect(done.text).toContain('update job failed: Error (exit 1): Failed to apply database migrations');
    expect(phases(h)).toEqual(['requested', 'confirmed', 'applied', 'failed']);
  });

  it('restart sets a timestamp annotation on the pod template', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost');
    const { text } = await h.run('restart mattermost');
    expect(text).toContain('pod annotation matterops.io/restarted-at: - -> 2026-11-27T09:00:00.000Z');
    expect(h.gateway.objects.get('chat/mattermost')?.spec.podTemplate).toEqual({
      extraAnnotations: { 'matterops.io/restarted-at': '2026-11-27T09:00:00.000Z' },
    });
  });

  it('env set and unset keep other entries, and never show secret-looking values', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost');
    const set = await h.run('env mattermost set MM_LOGSETTINGS_CONSOLELEVEL=DEBUG MM_SQL_PASSWORD=hunter2');
    expect(set.text).toContain('env +MM_LOGSETTINGS_CONSOLELEVEL=DEBUG');
    expect(set.text).toContain('env +MM_SQL_PASSWORD=***');
    expect(set.text).not.toContain('hunter2');
    expect(h.audit.entries.map((e) => e.detail).join('\n')).not.toContain('hunter2');
    const list = await h.run('env mattermost list');
    expect(list.text).toMatch(/MM_SQL_PASSWORD\s+\*\*\*/);
    await h.run('env mattermost unset MM_SQL_PASSWORD');
    expect(h.gateway.objects.get('chat/mattermost')?.spec.mattermostEnv).toEqual([{ name: 'MM_LOGSETTINGS_CONSOLELEVEL', value: 'DEBUG' }]);
  });

  it('create checks its secrets, writes an explicit ingress block, and follows to stable', async () => {
    const h = createHarness();
    h.gateway.secrets.set('chat/new-db', ['DB_CONNECTION_STRING']);
    h.gateway.secrets.set('chat/new-s3', ['accesskey', 'secretkey']);
    const { text } = await h.run('create new --version 9.9.0 --replicas 1 --db-secret new-db --filestore-secret new-s3 --bucket files --s3-url s3.example.com');
    expect(text.split('\n')[0]).toBe('create chat/new: done, stable 1/1');
    expect(h.gateway.objects.get('chat/new')?.spec).toMatchObject({ ingress: { enabled: false }, replicas: 1, database: { external: { secret: 'new-db' } } });
  });

  it('delete asks for the name, says what stays, and follows until the resource is gone', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost');
    const plan = await h.run('delete mattermost');
    expect(plan.text).toContain('It keeps the database (external (secret mattermost-db))');
    expect(plan.reply.pending?.confirmWord).toBe('mattermost');
    const done = await h.run(`confirm ${codeOf(plan.text)} mattermost`);
    expect(done.text.split('\n')[0]).toBe('delete chat/mattermost: done, deleted');
    expect(h.gateway.objects.has('chat/mattermost')).toBe(false);
  });
});

describe('bad input gets a clear message and changes nothing', () => {
  const cases: [string, string, RegExp][] = [
    ['negative replicas', 'scale mattermost -1', /replicas must be 0 or more, got -1/],
    ['non-numeric replicas', 'scale mattermost five', /replicas must be a whole number like 3, got "five"/],
    ['over-limit replicas', 'scale mattermost 25', /replicas must be at most 20 for you in chat, got 25/],
    ['unknown installation', 'scale matermost 3', /no installation "matermost".*\n\ndid you mean mattermost\?/],
    ['malformed version', 'upgrade mattermost latest', /the version must look like 11.1.0, got "latest"/],
    ['invalid env name', 'env mattermost set 1BAD=x', /env names are letters, digits and _, not starting with a digit, got "1BAD"/],
    ['env set without a value', 'env mattermost set NOVALUE', /env set takes KEY=VALUE, got "NOVALUE"/],
    ['unset of a name that is not set', 'env mattermost unset NOPE', /NOPE is not set on chat\/mattermost/],
    ['create of an existing name', 'create mattermost --version 9.9.0 --db-secret mattermost-db --filestore-pvc files', /chat\/mattermost already exists/],
    ['create with a missing secret', 'create fresh --version 9.9.0 --db-secret nope --filestore-pvc files', /secret chat\/nope does not exist/],
    ['create with an incomplete secret', 'create fresh --version 9.9.0 --db-secret half --filestore-pvc files', /secret chat\/half lacks DB_CONNECTION_STRING/],
    ['create without a filestore', 'create fresh --version 9.9.0 --db-secret mattermost-db', /create needs a filestore/],
  ];
  for (const [what, input, expected] of cases) {
    it(what, async () => {
      const h = createHarness({ policy: PolicySchema.parse({ ...openPolicy, roles: { admin: { verbs: ['*'], limits: { maxReplicas: 20 } } } }) });
      h.gateway.seed('chat', 'mattermost', { replicas: 2 });
      h.gateway.secrets.set('chat/half', ['OTHER']);
      const before = rv(h);
      const { text, reply } = await h.run(input);
      expect(reply.error).toBeDefined();
      expect(text).toMatch(expected);
      expect(rv(h)).toBe(before);
      expect(h.gateway.objects.has('chat/fresh')).toBe(false);
    });
  }

  it('disallowed zero: a role without minReplicas 0 cannot stop the installation', async () => {
    const h = createHarness({
      policy: PolicySchema.parse({
        roles: { op: { verbs: ['scale'], limits: { maxReplicas: 20 } } },
        bindings: [{ role: 'op', subjects: [{ terminal: '*' }] }],
      }),
    });
    h.gateway.seed('chat', 'mattermost');
    const before = rv(h);
    expect((await h.run('scale mattermost 0')).text).toContain('scaling to 0 replicas stops the installation, and your role does not allow it');
    expect(rv(h)).toBe(before);
  });

  it('delete with the wrong typed name', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost');
    const plan = await h.run('delete mattermost');
    const { text } = await h.run(`confirm ${codeOf(plan.text)} mattermots`);
    expect(text).toContain(`to confirm, type the installation's name: confirm ${codeOf(plan.text)} mattermost`);
    expect(h.gateway.objects.has('chat/mattermost')).toBe(true);
  });

  it('expired, replayed, foreign and tampered confirmations', async () => {
    const h = createHarness({ policy: PolicySchema.parse({ ...openPolicy, bindings: [{ role: 'admin', subjects: [{ terminal: '*' }, { user: '*' }] }] }) });
    h.gateway.seed('chat', 'mattermost', { replicas: 6 });
    const before = rv(h);
    const expired = await h.run('scale mattermost 1');
    h.clock.advance(6 * 60_000);
    expect((await h.run(`confirm ${codeOf(expired.text)}`)).text).toContain('expired');
    const foreign = await h.run('scale mattermost 1');
    expect((await h.run(`confirm ${codeOf(foreign.text)}`, chatUser('bob'))).text).toContain('only alice can confirm this scale');
    const tampered = (await h.run('scale mattermost 1')).reply.pending!;
    const forged = `${tampered.code}.${tampered.expiresAt.getTime()}.${'A'.repeat(43)}`;
    expect((await h.run(`confirm ${forged}`)).text).toContain('this confirmation is not valid');
    expect(rv(h)).toBe(before);
    await h.run(`confirm ${tampered.token}`);
    expect(h.gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(1);
    const replayed = await h.run(`confirm ${tampered.token}`);
    expect(replayed.text).toMatch(/not valid|already confirmed/);
  });

  it('a user the policy denies is told which right is missing, and the denial is audited', async () => {
    const h = createHarness({
      policy: PolicySchema.parse({ roles: { reader: { verbs: ['status'] } }, bindings: [{ role: 'reader', subjects: [{ user: 'mallory' }] }] }),
    });
    h.gateway.seed('chat', 'mattermost');
    const before = rv(h);
    const scale = await h.run('scale mattermost 3', chatUser('mallory'));
    expect(scale.reply.error).toBe('forbidden');
    expect(scale.text).toContain('@mallory may not use scale: no role in the matterops policy grants it');
    expect(rv(h)).toBe(before);
  });

  it('in a namespace outside the role, the change is denied and audited', async () => {
    // alice may look at staging (else it would be answered as a miss) but change only chat.
    const h = createHarness({
      policy: PolicySchema.parse({
        roles: { op: { verbs: ['scale', 'status'] }, reader: { verbs: ['status'] } },
        bindings: [
          { role: 'op', subjects: [{ user: 'alice' }], scope: { namespaces: ['chat'] } },
          { role: 'reader', subjects: [{ user: 'alice' }] },
        ],
      }),
    });
    h.gateway.seed('staging', 'mattermost-staging', { replicas: 1 });
    const before = rv(h, 'mattermost-staging', 'staging');
    const { text } = await h.run('scale mattermost-staging 2', chatUser('alice'));
    expect(text).toContain('@alice may not scale staging/mattermost-staging on cluster sandbox-bot');
    expect(rv(h, 'mattermost-staging', 'staging')).toBe(before);
  });

  it('in impersonation mode, RBAC has the last word and its 403 names the missing permission', async () => {
    const h = createHarness({
      policy: PolicySchema.parse({ ...openPolicy, bindings: [{ role: 'admin', subjects: [{ user: 'bob' }] }], impersonation: { enabled: true } }),
    });
    h.gateway.seed('chat', 'mattermost');
    const before = rv(h);
    const { text, reply } = await h.run('scale mattermost 3', chatUser('bob'));
    expect(reply.error).toBe('forbidden');
    expect(text).toContain('User "bob" cannot patch resource "mattermosts"');
    expect(rv(h)).toBe(before);
  });

  it('the two-person rule: the requester cannot confirm, a colleague with the right can', async () => {
    const h = createHarness({
      policy: PolicySchema.parse({ ...openPolicy, bindings: [{ role: 'admin', subjects: [{ user: '*' }] }], twoPersonRule: { namespaces: ['chat'] } }),
    });
    h.gateway.seed('chat', 'mattermost', { replicas: 4 });
    const plan = await h.run('scale mattermost 1', chatUser('alice'));
    expect(plan.text).toContain('a second person (not @alice)');
    expect((await h.run(`confirm ${codeOf(plan.text)}`, chatUser('alice'))).text).toContain('needs a second person');
    expect((await h.run(`confirm ${codeOf(plan.text)}`, chatUser('carol'))).reply.tone).toBe('good');
    expect(h.audit.entries.find((e) => e.phase === 'confirmed')?.requester).toBe('@carol');
  });
});

describe('audit and can-i', () => {
  it('audit reads back every step', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    await h.run('scale mattermost 3');
    const { text } = await h.run('audit mattermost --since 1h');
    expect(text).toMatch(/requested\s+alice\s+terminal\s+chat\/mattermost\s+scale chat\/mattermost: replicas 2 -> 3 \(change\)/);
    expect(text).toMatch(/succeeded\s+alice/);
  });

  it('can-i answers from the policy with the limits that apply', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost');
    expect((await h.run('can-i scale mattermost')).text).toBe(
      'yes: you may scale chat/mattermost on cluster sandbox-bot (change)\n\nroles:   admin\nlimits:  maxReplicas 20, minReplicas 0',
    );
    const denied = createHarness({
      policy: PolicySchema.parse({ roles: { r: { verbs: ['status'] } }, bindings: [{ role: 'r', subjects: [{ user: 'bob' }] }] }),
    });
    denied.gateway.seed('chat', 'mattermost');
    expect((await denied.run('can-i scale mattermost', chatUser('bob'))).text).toBe(
      'no: there is no installation "mattermost" you may scale in cluster sandbox-bot',
    );
  });
});
