/**
 * The undo on an audit Event is read back only when it is a valid one (issue 12, change-aware
 * roots): anyone who may create Events could write the annotation, and the incident root would
 * offer what it says. The round trip itself is in the AuditLog contract (fake and real apiserver).
 */
import { describe, expect, it } from 'vitest';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import { fromEvent, toEvent } from '../../../src/adapters/kubernetes/event-audit-log.ts';
import type { AuditEntry } from '../../../src/core/ports/audit-log.ts';

const signer = createHmacSigner('the bot key for this test');

const entry: AuditEntry = {
  at: new Date(Date.UTC(2026, 10, 27, 9, 0, 0)),
  operationId: 'a1',
  phase: 'applied',
  verb: 'scale',
  requester: '@alice',
  via: 'mattermost ~ops',
  cluster: 'prod',
  namespace: 'chat',
  installation: 'mattermost',
  detail: 'replicas 2 -> 3',
  undo: { verb: 'scale', positionals: ['mattermost', '2'], flags: {} },
};

/** The Event as the apiserver gives it back, with its undo annotation replaced. */
function withUndo(value: string): ReturnType<typeof toEvent> {
  const event = toEvent(entry, signer);
  return { ...event, metadata: { ...event.metadata, annotations: { ...event.metadata.annotations, 'matterops.io/undo': value } } };
}

describe('the undo annotation of an audit Event', () => {
  it('is JSON the zod schema reads back as it was written', () => {
    expect(toEvent(entry, signer).metadata.annotations?.['matterops.io/undo']).toBe('{"verb":"scale","positionals":["mattermost","2"],"flags":{}}');
    expect(fromEvent(toEvent(entry, signer), signer)).toEqual(entry);
  });

  it.each([
    ['not JSON', '{scale'],
    ['a verb without a clean inverse', '{"verb":"delete","positionals":["mattermost","x"],"flags":{}}'],
    ['a word that is not one token', '{"verb":"scale","positionals":["mattermost","2 --yes"],"flags":{}}'],
    ['a flag it does not know', '{"verb":"scale","positionals":["mattermost","2"],"flags":{"yes":"true"}}'],
  ])('is ignored when it is %s: the entry is read without it', (_, value) => {
    const read = fromEvent(withUndo(value), signer);
    expect(read).toMatchObject({ operationId: 'a1', phase: 'applied', detail: 'replicas 2 -> 3' });
    expect(read?.undo).toBeUndefined();
  });
});

/** The Event with its annotations changed as `edit` says. */
function edited(edit: (annotations: Record<string, string>) => void): ReturnType<typeof toEvent> {
  const event = toEvent(entry, signer);
  const annotations = { ...event.metadata.annotations };
  edit(annotations);
  return { ...event, metadata: { ...event.metadata, annotations } };
}

describe('the signature of an audit Event', () => {
  it.each([
    ['has none', (a: Record<string, string>) => delete a['matterops.io/sig']],
    ['is another key’s', (a: Record<string, string>) => (a['matterops.io/sig'] = createHmacSigner('someone else').sign('x'))],
    ['no longer matches its requester', (a: Record<string, string>) => (a['matterops.io/requester'] = '@mallory')],
    ['no longer matches its cluster', (a: Record<string, string>) => (a['matterops.io/cluster'] = 'elsewhere')],
    ['no longer matches its undo', (a: Record<string, string>) => (a['matterops.io/undo'] = '{"verb":"scale","positionals":["mattermost","9"],"flags":{}}')],
  ])('marks the entry unverified and drops its undo when it %s', (_, edit) => {
    const read = fromEvent(edited(edit), signer);
    expect(read).toMatchObject({ operationId: 'a1', phase: 'applied', unverified: true });
    expect(read?.undo).toBeUndefined();
  });

  it('verifies with the time in whole seconds, as the apiserver keeps it', () => {
    const event = toEvent({ ...entry, at: new Date(entry.at.getTime() + 789) }, signer);
    const kept = { ...event, lastTimestamp: entry.at };
    expect(fromEvent(kept, signer)).toEqual(entry);
  });
});
