/** The plugin's schema of props.matterops against card.ts and the shared fixtures (issue 15). */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod/mini';
import { type CardProps, cardKinds, cardPostType } from '../../../src/core/card.ts';
import { type CardPropsSchema, parseCard } from '../../../webapp/src/card-schema.ts';
import { malformed, valid } from './fixtures.ts';

describe('the card schema', () => {
  it('reads exactly the card.ts types, so the bot and the plugin cannot drift', () => {
    expectTypeOf<z.infer<typeof CardPropsSchema>>().toEqualTypeOf<CardProps>();
  });

  it('has a valid fixture for every card kind', () => {
    expect(cardKinds.filter((kind) => !valid.some((f) => f.post.type === cardPostType(kind)))).toEqual([]);
  });

  it.each(valid.map((f) => [f.name, f] as const))('reads %s as a card of its post type', (_, f) => {
    const kind = cardKinds.find((k) => cardPostType(k) === f.post.type);
    expect(kind && f.name.startsWith(`${kind}-`)).toBe(true);
    expect(parseCard(f.post.props, kind!)?.kind).toBe(kind);
  });

  it.each(malformed.map((f) => [f.name, f] as const))('refuses %s', (_, f) => {
    const kind = cardKinds.find((k) => cardPostType(k) === f.post.type)!;
    expect(parseCard(f.post.props, kind)).toBeUndefined();
  });

  it('drops fields it does not know (an added optional field needs no new version)', () => {
    const [status] = valid.filter((f) => f.name === 'status-stable');
    const props = structuredClone(status!.post.props) as { matterops: { card: Record<string, unknown> } };
    props.matterops.card.comingLater = { anything: true };
    expect(parseCard(props, 'status')).not.toHaveProperty('comingLater');
    expect(parseCard(props, 'status')?.kind).toBe('status');
  });

  it('refuses props that are not an object at all', () => {
    for (const props of [null, undefined, 'x', 42, []]) expect(parseCard(props, 'digest')).toBeUndefined();
  });
});
