/**
 * The undo on an audit Event is read back only when it is a valid one (issue 12, change-aware
 * roots): anyone who may create Events could write the annotation, and the incident root would
 * offer what it says. The round trip itself is in the AuditLog contract (fake and real apiserver).
 */
import { describe, expect, it } from 'vitest';
import { fromEvent, toEvent } from '../../../src/adapters/kubernetes/event-audit-log.ts';
import type { AuditEntry } from '../../../src/core/ports/audit-log.ts';

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
  const event = toEvent(entry);
  return { ...event, metadata: { ...event.metadata, annotations: { ...event.metadata.annotations, 'matterops.io/undo': value } } };
}

describe('the undo annotation of an audit Event', () => {
  it('is JSON the zod schema reads back as it was written', () => {
    expect(toEvent(entry).metadata.annotations?.['matterops.io/undo']).toBe('{"verb":"scale","positionals":["mattermost","2"],"flags":{}}');
    expect(fromEvent(toEvent(entry))).toEqual(entry);
  });

  it.each([
    ['not JSON', '{scale'],
    ['a verb without a clean inverse', '{"verb":"delete","positionals":["mattermost","x"],"flags":{}}'],
    ['a word that is not one token', '{"verb":"scale","positionals":["mattermost","2 --yes"],"flags":{}}'],
    ['a flag it does not know', '{"verb":"scale","positionals":["mattermost","2"],"flags":{"yes":"true"}}'],
  ])('is ignored when it is %s: the entry is read without it', (_, value) => {
    const read = fromEvent(withUndo(value));
    expect(read).toMatchObject({ operationId: 'a1', phase: 'applied', detail: 'replicas 2 -> 3' });
    expect(read?.undo).toBeUndefined();
  });
});
