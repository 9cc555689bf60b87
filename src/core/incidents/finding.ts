/**
 * What a rule reports about one installation right now. The engine (engine.ts) turns findings into
 * incidents: one whose key stays found for `openAfterMs` opens, one gone for the hold-down resolves.
 */
import type { Evidence, Severity } from './incident.ts';
import type { InstallationSnapshot } from './snapshot.ts';
import type { Thresholds } from './thresholds.ts';

export interface Finding {
  rule: string;
  /** What tells two findings of one rule on one installation apart (a container's name), or ''. */
  part: string;
  severity: Severity;
  title: string;
  /** When the problem began, when the objects say so (a condition's transition); else first seen. */
  since?: Date | undefined;
  /** How long it must last before it is an incident (the rule's delay; 0: at once). */
  openAfterMs: number;
  affected: string[];
  evidence: Evidence;
}

/** A rule: pure, one file each in rules/. */
export type Rule = (snapshot: InstallationSnapshot, now: Date, thresholds: Thresholds) => Finding[];

/** The key an incident of this finding has on this installation. */
export const findingKey = (f: Pick<Finding, 'rule' | 'part'>, installation: Pick<InstallationSnapshot, 'namespace' | 'name'>): string =>
  `${f.rule}:${installation.namespace}/${installation.name}${f.part ? `:${f.part}` : ''}`;

/** "3 pods" / "1 pod". */
export const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
