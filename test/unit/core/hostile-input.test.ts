/**
 * Issue 9, item 7: hostile and odd input. A command line is capped before any parsing, no schema
 * takes time that grows faster than its input, errors quote at most a short excerpt of what was
 * typed, and every message is ours, never zod's default wording.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatteropsError } from '../../../src/core/errors.ts';
import { parseCommand } from '../../../src/core/grammar/parse.ts';
import { createRegistry } from '../../../src/core/registry.ts';
import { UpgradeSchema } from '../../../src/core/verbs/upgrade.ts';
import { allVerbs } from '../../../src/core/verbs/index.ts';
import { reply, text } from '../../../src/core/reply.ts';
import { defineVerb } from '../../../src/core/verb.ts';
import { z } from 'zod';
import { growthOver4x, growthTimeoutMs, repeated } from '../../support/linear-time.ts';

const registry = createRegistry(allVerbs);

function usageOf(input: string): MatteropsError {
  try {
    parseCommand(input, registry);
  } catch (error) {
    expect(error).toBeInstanceOf(MatteropsError);
    return error as MatteropsError;
  }
  throw new Error(`"${input.slice(0, 80)}" parsed, but should not have`);
}

const zodWords = /too big|too small|invalid input|invalid option|invalid string|expected|received|unrecognized/i;

describe('a command line that is too long', () => {
  it('is refused before parsing with a short error that does not echo it', () => {
    const error = usageOf(`status ${'a'.repeat(5000)}`);
    expect(error.message).toBe('the command is too long (5007 characters; at most 4096)');
    expect(`${error.message}${error.hint ?? ''}`.length).toBeLessThan(200);
  });

  it('is refused even when its quotes are unbalanced (no tokenizing first)', () => {
    expect(usageOf(`status "${'x'.repeat(4100)}`).message).toMatch(/^the command is too long/);
  });

  it('of exactly 4096 characters is still parsed', () => {
    expect(usageOf(`status ${'a'.repeat(4089)}`).message).not.toMatch(/too long/);
  });
});

describe('the --image check of upgrade', () => {
  it(
    'takes linear time: judging 32 KB takes about 4 times as long as 8 KB, not 16',
    () => {
      const judge = (image: string): boolean => UpgradeSchema.safeParse({ verb: 'upgrade', name: 'mattermost', version: '9.9.0', image }).success;
      const images: [string, (size: number) => string][] = [
        ['a/', repeated('a/')],
        ['a/...a!', (n) => `${'a/'.repeat(n / 2 - 1)}a!`],
        ['a.', repeated('a.')],
        ['a-...a', (n) => `${'a-'.repeat(n / 2)}a`],
      ];
      for (const [name, build] of images) {
        expect(growthOver4x(build, judge), name).toBeLessThan(10);
        expect(judge(build(32_768)), name).toBe(false);
      }
    },
    growthTimeoutMs,
  );

  it('still accepts repositories, with a registry and port, and refuses tags', () => {
    const ok = (image: string): boolean => UpgradeSchema.safeParse({ verb: 'upgrade', name: 'm', version: '9.9.0', image }).success;
    for (const image of ['mattermost/mattermost-team-edition', 'registry.example.com:5000/mm/mattermost', 'localhost/mattermost', 'ghcr.io/a_b/c__d'])
      expect(ok(image), image).toBe(true);
    for (const image of ['mattermost/mattermost:9.9.0', 'Mattermost/x', 'a//b', '/a', 'a/', 'a:5000', 'a/b:5000/c', '-a/b'])
      expect(ok(image), image).toBe(false);
  });
});

describe('errors quote only a short excerpt of user input', () => {
  it.each([
    ['status', (long: string) => `status ${long}`],
    ['unknown command', (long: string) => long],
    ['unknown flag', (long: string) => `status mattermost --${long}`],
    ['extra words', (long: string) => `status mattermost ${long}`],
    ['env set', (long: string) => `env mattermost set ${long}`],
    ['version', (long: string) => `upgrade mattermost ${long}`],
    ['image', (long: string) => `upgrade mattermost 9.9.0 --image ${long}`],
    ['since', (long: string) => `events mattermost --since ${long}`],
    ['replicas', (long: string) => `scale mattermost ${long}`],
    ['tail', (long: string) => `logs mattermost --tail ${long}`],
    ['confirm code', (long: string) => `confirm ${long}`],
    ['audit user', (long: string) => `audit --user ${long}`],
    ['create host', (long: string) => `create chat2 --version 9.9.0 --db-secret s --filestore-pvc p --host ${long}`],
    ['cluster', (long: string) => `status mattermost --cluster ${long}`],
    ['help topic', (long: string) => `help ${long}`],
    ['can-i command', (long: string) => `can-i ${long}`],
    ['confirm word', (long: string) => `confirm 7f3a9c1e ${long}`],
  ])('%s', (_, build) => {
    const long = `X${'y'.repeat(300)}Z`;
    const error = usageOf(build(long));
    expect(error.message).not.toContain('y'.repeat(41));
    expect(error.message).not.toContain('Z');
    expect(error.hint ?? '').not.toContain('y'.repeat(41));
  });
});

describe('messages are ours, not zod defaults', () => {
  it('replicas beyond a safe integer quote what was typed', () => {
    expect(usageOf('scale mattermost 99999999999999999999').message).toBe('replicas must be at most 1000, got 99999999999999999999');
    expect(usageOf('scale mattermost -99999999999999999999').message).toBe('replicas must be 0 or more, got -99999999999999999999');
    expect(usageOf('scale mattermost 1.5').message).toBe('replicas must be a whole number like 3, got "1.5"');
  });

  it('an issue a schema leaves without a message gets our wording, naming the flag as typed', () => {
    // A verb whose schema words nothing itself: the per-parse error map is all that speaks.
    const bare = defineVerb<{ verb: 'bare'; count: number; level?: 'low' | 'high'; label?: string }>({
      name: 'bare',
      summary: 'test',
      usage: 'bare <count> [--level l] [--label x]',
      examples: ['bare 2'],
      risk: 'read',
      positionals: [{ name: 'count', description: 'n', required: true }],
      flags: [
        { name: 'level', kind: 'string', description: 'l' },
        { name: 'label', kind: 'string', description: 'x' },
      ],
      schema: z.object({
        verb: z.literal('bare'),
        count: z.coerce.number().int().max(5),
        level: z.enum(['low', 'high']).optional(),
        label: z.string().max(3).optional(),
      }),
      run: () => Promise.resolve(reply('neutral', text('ok'))),
    });
    const only = createRegistry([bare]);
    const message = (input: string): string => {
      try {
        parseCommand(input, only);
      } catch (e) {
        return (e as Error).message;
      }
      return 'parsed';
    };
    expect(message('bare 9')).toBe('<count> must be at most 5, got 9');
    expect(message('bare 2 --level mid')).toBe('--level must be one of low, high, got "mid"');
    expect(message('bare 2 --label abcdef')).toBe('--label must be at most 3 characters, got "abcdef"');
    expect(message(`bare x${'y'.repeat(100)}`)).toMatch(/^<count> must be a whole number|^<count> must be a number/);
  });

  it('--tail beyond a safe integer says its bounds', () => {
    expect(usageOf('logs mattermost --tail 99999999999999999999').message).toMatch(/^--tail must be at most \d+, got 99999999999999999999$/);
  });

  const verbWords = [
    'status',
    'scale',
    'logs',
    'events',
    'upgrade',
    'env',
    'create',
    'delete',
    'restart',
    'audit',
    'confirm',
    'cancel',
    'can-i',
    'help',
    'list',
    'whoami',
    'version',
  ];
  const odd = fc
    .oneof(
      fc.constantFrom(
        '99999999999999999999',
        '-1',
        '1e3',
        '0x10',
        'NaN',
        '',
        '""',
        "''",
        '1.5',
        '-',
        '--',
        '=',
        'a=b',
        '9.9.0',
        'latest',
        '--tail',
        '--since',
        '--image',
        '--size',
        '--replicas',
        '--version',
        '--db-secret',
        '--user',
        '--pod',
        '-n',
        '--cluster',
        '--host',
        '--bucket',
        '--s3-url',
        '--confirm',
      ),
      fc.string({ maxLength: 10 }),
      fc.stringMatching(/^-?[0-9]{1,25}$/),
    )
    .filter((word) => !zodWords.test(word));
  // Most verbs want an installation name first: give it often, so the odd words reach the later fields.
  const commands = fc
    .tuple(fc.constantFrom(...verbWords), fc.boolean(), fc.array(odd, { maxLength: 7 }))
    .map(([verb, named, words]) => [verb, ...(named ? ['mattermost'] : []), ...words].join(' '));

  it('no usage message of any verb contains zod wording (property, 20,000 commands)', () => {
    fc.assert(
      fc.property(commands, (input) => {
        try {
          parseCommand(input, registry);
        } catch (error) {
          expect(error).toBeInstanceOf(MatteropsError);
          const e = error as MatteropsError;
          expect(e.message, `${input} -> ${e.message}`).not.toMatch(zodWords);
        }
      }),
      { numRuns: 20_000 },
    );
  }, 60_000);
});
