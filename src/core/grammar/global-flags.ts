/** Flags every verb takes (README, Commands: global flags). */
import type { FlagSpec } from '../verb.ts';

export const globalFlags: FlagSpec[] = [
  { name: 'namespace', short: 'n', kind: 'string', placeholder: 'ns', description: 'namespace of the installation (default from config)' },
  { name: 'cluster', kind: 'string', placeholder: 'context', description: 'kubeconfig context to use (default from config)' },
];
