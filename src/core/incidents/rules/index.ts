/** Every rule the engine runs on each installation's snapshot (issue 12's table; docs/incidents.md). */
import type { Finding, Rule } from '../finding.ts';
import type { InstallationSnapshot } from '../snapshot.ts';
import type { Thresholds } from '../thresholds.ts';
import { configError } from './config-error.ts';
import { crashLoop } from './crash-loop.ts';
import { evictions } from './evictions.ts';
import { backupTooOld } from './backup-too-old.ts';
import { backupFailed, drillFailed, updateJobFailed } from './failed-job.ts';
import { imagePull } from './image-pull.ts';
import { notStable } from './not-stable.ts';
import { oomKilled } from './oom-killed.ts';
import { podsNotReady } from './pods-not-ready.ts';
import { replicaFailure } from './replica-failure.ts';
import { replicasUnavailable } from './replicas-unavailable.ts';
import { rolloutStuck } from './rollout-stuck.ts';

export const allRules: readonly Rule[] = [
  crashLoop,
  oomKilled,
  imagePull,
  configError,
  podsNotReady,
  replicasUnavailable,
  rolloutStuck,
  notStable,
  updateJobFailed,
  backupFailed,
  backupTooOld,
  drillFailed,
  evictions,
  replicaFailure,
];

/**
 * The name of every rule's findings (`Finding.rule`), fixed in the code: the incidents-open metric
 * shows each (0 when none is open). test/unit/incidents/rules.test.ts checks it against what the
 * rules find.
 */
export const ruleNames: readonly string[] = [
  'crash-loop',
  'oom-killed',
  'image-pull',
  'config-error',
  'pods-not-ready',
  'replicas-unavailable',
  'rollout-stuck',
  'not-stable',
  'update-job-failed',
  'backup-failed',
  'backup-too-old',
  'drill-failed',
  'evicted',
  'replica-failure',
];

/** Rules whose findings say why pods are missing: with one of them, fewer available replicas is no news. */
const podRules = new Set(['crash-loop', 'oom-killed', 'image-pull', 'config-error', 'pods-not-ready', 'evicted', 'replica-failure']);

/**
 * Every rule's findings on one snapshot, less the consequences of another finding (a crash loop
 * also leaves a Deployment short of replicas: one broken pod is one incident, not two).
 */
export function findingsOf(s: InstallationSnapshot, now: Date, t: Thresholds): Finding[] {
  const all = allRules.flatMap((rule) => rule(s, now, t));
  const explained = all.some((f) => podRules.has(f.rule));
  return explained ? all.filter((f) => f.rule !== 'replicas-unavailable') : all;
}
