import { describe, expect, it } from 'vitest';
import { MatteropsError } from '../../../src/core/errors.ts';
import { parseCommand } from '../../../src/core/grammar/parse.ts';
import { createRegistry } from '../../../src/core/registry.ts';
import { allVerbs } from '../../../src/core/verbs/index.ts';

const registry = createRegistry(allVerbs);
const parse = (input: string) => parseCommand(input, registry).operation;

function usageOf(input: string): MatteropsError {
  try {
    parseCommand(input, registry);
  } catch (error) {
    expect(error).toBeInstanceOf(MatteropsError);
    expect((error as MatteropsError).code).toBe('usage');
    return error as MatteropsError;
  }
  throw new Error(`"${input}" parsed, but should not have`);
}

describe('parseCommand', () => {
  it("yields typed operations that their verb's schema accepts again", () => {
    const cases = [
      'list -A',
      'status mattermost -n chat',
      'events mattermost --since 2h --all',
      'logs mattermost --tail=20 --previous',
      'whoami',
      'version',
      'help status',
    ];
    for (const input of cases) expect(registry.find(parse(input).verb)?.schema.safeParse(parse(input)).success, input).toBe(true);
    expect(parse('logs mattermost --tail=20 --previous --pod mattermost-abc')).toEqual({
      verb: 'logs',
      name: 'mattermost',
      tail: 20,
      previous: true,
      pod: 'mattermost-abc',
    });
  });

  it('accepts global flags before the verb and aliases for verbs', () => {
    expect(parse('-n staging st mattermost-staging')).toEqual({ verb: 'status', name: 'mattermost-staging', namespace: 'staging' });
    expect(parse('--cluster prod ls')).toEqual({ verb: 'list', cluster: 'prod' });
    expect(parse('LIST')).toEqual({ verb: 'list' });
  });

  it('fills defaults from the schema', () => {
    expect(parse('events mattermost')).toMatchObject({ since: '1h' });
  });

  it('suggests the verb you probably meant', () => {
    const error = usageOf('stauts mattermost');
    expect(error.message).toBe('unknown command "stauts"');
    expect(error.hint).toContain('did you mean status?');
  });

  it('answers a missing argument with the usage and an example', () => {
    const error = usageOf('status');
    expect(error.message).toBe('status needs an installation name');
    expect(error.hint).toBe('usage: status <name> [-n namespace]\nexample: status mattermost');
  });

  it('quotes the exact mistake in a bad value', () => {
    expect(usageOf('status Mattermost_1').message).toBe(
      `the installation name must be lowercase letters, digits and '-' (a DNS-1123 label), got "Mattermost_1"`,
    );
    expect(usageOf('logs mattermost --tail -5').message).toContain('--tail');
    expect(usageOf('logs mattermost --tail 0').message).toBe('--tail must be at least 1, got 0');
    expect(usageOf('events mattermost --since yesterday').message).toBe('a duration looks like 30s, 10m, 1h or 1h30m, got "yesterday"');
  });

  it('refuses unknown flags with a suggestion, extra words, and values for boolean flags', () => {
    expect(usageOf('logs mattermost --tial 5').hint).toContain('did you mean --tail?');
    expect(usageOf('status mattermost extra').message).toBe('status does not take "extra"');
    expect(usageOf('list -A=yes').message).toBe('--all-namespaces takes no value');
    expect(usageOf('status mattermost -n').message).toBe('--namespace needs a value (ns)');
  });

  it('says what to type when nothing is given', () => {
    expect(usageOf('').hint).toBe('type help to see what you can do');
  });
});
