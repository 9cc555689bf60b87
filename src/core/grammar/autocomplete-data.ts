/**
 * Mattermost's slash-command autocomplete tree (`AutocompleteData` of the server's model package),
 * generated from the registry as plain JSON for the chat adapter, so help and autocomplete agree.
 */
import type { Registry } from '../registry.ts';
import type { Verb } from '../verb.ts';

export interface AutocompleteArg {
  Name: string;
  HelpText: string;
  Type: 'TextInput';
  Required: boolean;
  Data: { Hint: string; Pattern: string };
}

export interface AutocompleteData {
  Trigger: string;
  Hint: string;
  HelpText: string;
  RoleID: string;
  Arguments: AutocompleteArg[];
  SubCommands: AutocompleteData[];
}

function verbData(verb: Verb): AutocompleteData {
  const positional: AutocompleteArg[] = verb.positionals.map((p) => ({
    Name: '',
    HelpText: p.description,
    Type: 'TextInput',
    Required: p.required,
    Data: { Hint: `<${p.name}>`, Pattern: '' },
  }));
  const named: AutocompleteArg[] = verb.flags.map((f) => ({
    Name: f.name,
    HelpText: f.description,
    Type: 'TextInput',
    Required: false,
    Data: { Hint: f.kind === 'boolean' ? '' : (f.placeholder ?? 'value'), Pattern: '' },
  }));
  return {
    Trigger: verb.name,
    Hint: verb.usage.slice(verb.name.length).trim(),
    HelpText: verb.summary,
    RoleID: '',
    Arguments: [...positional, ...named],
    SubCommands: [],
  };
}

export function autocompleteData(registry: Registry, trigger = 'k8s'): AutocompleteData {
  return {
    Trigger: trigger,
    Hint: '[command]',
    HelpText: 'Run Mattermost on Kubernetes',
    RoleID: '',
    Arguments: [],
    SubCommands: registry.verbs.map(verbData),
  };
}
