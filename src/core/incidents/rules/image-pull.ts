/**
 * Image pull failure: ErrImagePull and ImagePullBackOff are one incident per installation (a pod
 * alternates between them), after `imagePullMs`, with the image and the pull secrets' names.
 */
import type { Rule } from '../finding.ts';
import { groupFinding, waitingFor } from './container-rule.ts';
import { distinct } from './evidence.ts';

const reasons = new Set(['ErrImagePull', 'ImagePullBackOff']);

export const imagePull: Rule = (s, _now, t) => {
  const group = waitingFor(s, reasons);
  if (!group.length) return [];
  const secrets = distinct(group.flatMap((w) => w.pod.pullSecrets));
  return [
    groupFinding(s, group, {
      rule: 'image-pull',
      part: '',
      severity: 'critical',
      what: () => 'image cannot be pulled',
      openAfterMs: t.imagePullMs,
      facts: [{ label: 'pull secrets', value: secrets.join(', ') || 'none' }],
    }),
  ];
};
