import { describe, expect, it } from 'vitest';
import { autocompleteData } from '../../../src/core/grammar/autocomplete-data.ts';
import { complete } from '../../../src/core/grammar/complete.ts';
import { createRegistry } from '../../../src/core/registry.ts';
import { allVerbs } from '../../../src/core/verbs/index.ts';
import { help } from '../../../src/core/verbs/help.ts';

const registry = createRegistry(allVerbs);

describe('the verb registry', () => {
  it('refuses a verb word claimed twice, at start', () => {
    const clash = { ...help, name: 'status2', aliases: ['st'] };
    expect(() => createRegistry([...allVerbs, clash])).toThrowError('verb word "st" is claimed by both "status" and "status2"');
  });

  it("has every verb's schema name its own verb, and every verb documents itself with a runnable example", () => {
    const verbOf = (schema: unknown): unknown => (schema as { shape: { verb: { value: unknown } } }).shape.verb.value;
    expect(registry.verbs.map((v) => verbOf(v.schema))).toEqual(registry.verbs.map((v) => v.name));
    for (const verb of registry.verbs) {
      expect(verb.examples.length, verb.name).toBeGreaterThan(0);
      expect(verb.usage.startsWith(verb.name), verb.name).toBe(true);
    }
  });

  it('generates the Mattermost autocomplete tree from the same specs', () => {
    const data = autocompleteData(registry);
    expect(data.Trigger).toBe('k8s');
    expect(data.SubCommands.map((s) => s.Trigger)).toEqual(registry.verbs.map((v) => v.name));
    const logs = data.SubCommands.find((s) => s.Trigger === 'logs');
    expect(logs?.Arguments.map((a) => a.Name)).toEqual(['', 'pod', 'tail', 'since', 'previous']);
  });

  it('completes verbs, flags and installation names', () => {
    const sources = { installations: ['mattermost', 'mattermost-staging', 'other'] };
    expect(complete('st', registry, sources)).toEqual(['status']);
    expect(complete('status matt', registry, sources)).toEqual(['mattermost', 'mattermost-staging']);
    expect(complete('logs mattermost --t', registry, sources)).toEqual(['--tail']);
    expect(complete('status -n ', registry, sources)).toEqual([]);
    expect(complete('help ', registry, sources)).toContain('logs');
  });
});
