/**
 * Property tests: 100,000 random and mutated command lines. No exception escapes the parser except
 * a usage error; garbage never yields an operation that changes anything; every error says what to
 * type instead.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatteropsError } from '../../../src/core/errors.ts';
import { parseCommand } from '../../../src/core/grammar/parse.ts';
import { createRegistry } from '../../../src/core/registry.ts';
import { allVerbs } from '../../../src/core/verbs/index.ts';

const registry = createRegistry(allVerbs);
const valid = [
  'status mattermost',
  'list -A',
  'logs mattermost --tail 50 --since 10m',
  'events mattermost --since 1h --all',
  '-n chat status mattermost',
  'help logs',
  'whoami',
  'version',
  'list --cluster sandbox -n staging',
];

/** Mutations of valid commands: the inputs most likely to slip through a parser. */
const mutated = fc
  .tuple(fc.constantFrom(...valid), fc.nat(), fc.string({ maxLength: 6 }), fc.constantFrom('insert', 'delete', 'replace', 'duplicate'))
  .map(([base, at, chunk, how]) => {
    const i = at % (base.length + 1);
    switch (how) {
      case 'insert':
        return base.slice(0, i) + chunk + base.slice(i);
      case 'delete':
        return base.slice(0, i) + base.slice(i + chunk.length + 1);
      case 'replace':
        return base.slice(0, i) + chunk + base.slice(i + chunk.length);
      default:
        return `${base} ${base.slice(i)}`;
    }
  });
const tokens = fc
  .array(
    fc.oneof(
      fc.constantFrom('status', 'list', 'logs', 'scale', 'delete', '-n', '-A', '--tail', '--since', '--', '"', "'", '=', '\\', '--all-namespaces=1'),
      fc.string({ maxLength: 12 }),
      fc.stringMatching(/^[a-z0-9-]{0,70}$/),
    ),
    { maxLength: 8 },
  )
  .map((t) => t.join(' '));
const anything = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 }), tokens, mutated);

describe('the grammar under random input', () => {
  it('never throws anything but a usage error, and every error tells what to type', () => {
    fc.assert(
      fc.property(anything, (input) => {
        try {
          const { operation, verb } = parseCommand(input, registry);
          expect(operation.verb).toBe(verb.name);
        } catch (error) {
          expect(error).toBeInstanceOf(MatteropsError);
          const e = error as MatteropsError;
          expect(e.code).toBe('usage');
          expect(e.message.length).toBeGreaterThan(0);
          // "what to type instead": a hint, or a message that quotes the accepted form.
          expect(Boolean(e.hint) || /must|looks like|needs/.test(e.message), `${input} -> ${e.message}`).toBe(true);
        }
      }),
      { numRuns: 100_000 },
    );
  }, 120_000);

  it('yields no mutating operation from garbage: only the verbs named in the input can come out', () => {
    fc.assert(
      fc.property(anything, (input) => {
        try {
          const { verb } = parseCommand(input, registry);
          if (verb.risk !== 'read') {
            const words = input.toLowerCase().split(/\s+/);
            expect([verb.name, ...(verb.aliases ?? [])].some((w) => words.includes(w))).toBe(true);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(MatteropsError);
        }
      }),
      { numRuns: 20_000 },
    );
  }, 60_000);
});
