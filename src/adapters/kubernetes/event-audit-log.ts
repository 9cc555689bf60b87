/**
 * The AuditLog port over Kubernetes Events on the Mattermost CR: visible in `kubectl describe mm`,
 * kept as long as the cluster keeps events, and read back by `audit`. Structured fields ride in
 * annotations so reading back does not parse prose.
 */
import { CoreV1Api, type CoreV1Event, type KubeConfig } from '@kubernetes/client-node';
import { UndoSchema, type Undo } from '../../core/model/undo.ts';
import { auditPhases, type AuditEntry, type AuditLog, type AuditPhase } from '../../core/ports/audit-log.ts';
import type { Signer } from '../../core/ports/signer.ts';
import { toMatteropsError } from './kube-errors.ts';

const prefix = 'matterops.io/';
const fields = ['operation', 'phase', 'verb', 'requester', 'via', 'cluster'] as const;
/** The inverse of an applied change (model/undo.ts), as JSON. */
const undoAnnotation = `${prefix}undo`;
/** The bot's HMAC over the entry's fields (signed below), so an Event someone else wrote is told apart. */
const sigAnnotation = `${prefix}sig`;

/**
 * What the signature covers, as one canonical string. The undo is signed as the annotation's text
 * (its key order is whatever was written); the time in whole seconds, as the apiserver keeps it.
 */
function signedText(e: Omit<AuditEntry, 'detail' | 'undo'>, undoText: string | undefined): string {
  const seconds = Math.floor(e.at.getTime() / 1000);
  return JSON.stringify([
    e.operationId,
    e.phase,
    e.verb,
    e.requester,
    e.via,
    e.cluster,
    e.namespace,
    e.installation,
    e.objectKind ?? null,
    seconds,
    undoText ?? null,
  ]);
}

/** `scale` -> `MatteropsScale`, the reason `kubectl describe` shows. */
export const auditReason = (verb: string): string =>
  `Matterops${verb.charAt(0).toUpperCase()}${verb.slice(1).replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}`;

const isFailure = (phase: AuditPhase): boolean => phase === 'denied' || phase === 'failed' || phase === 'timed-out';

/** The Event an audit entry becomes (exported for the benchmark's raw baseline, which sends the same). */
export function toEvent(entry: AuditEntry, signer: Signer): CoreV1Event {
  const undoText = entry.undo ? JSON.stringify(entry.undo) : undefined;
  const annotations = {
    [`${prefix}operation`]: entry.operationId,
    [`${prefix}phase`]: entry.phase,
    [`${prefix}verb`]: entry.verb,
    [`${prefix}requester`]: entry.requester,
    [`${prefix}via`]: entry.via,
    [`${prefix}cluster`]: entry.cluster,
    ...(undoText ? { [undoAnnotation]: undoText } : {}),
    [sigAnnotation]: signer.sign(signedText(entry, undoText)),
  };
  return {
    metadata: { generateName: `${entry.installation}.matterops.`, namespace: entry.namespace, annotations, labels: { 'matterops.io/audit': 'true' } },
    involvedObject:
      entry.objectKind === 'ConfigMap'
        ? { apiVersion: 'v1', kind: 'ConfigMap', name: entry.installation, namespace: entry.namespace }
        : { apiVersion: 'installation.mattermost.com/v1beta1', kind: 'Mattermost', name: entry.installation, namespace: entry.namespace },
    reason: auditReason(entry.verb),
    action: entry.phase,
    message: `${entry.phase}: ${entry.requester} via ${entry.via}: ${entry.detail} (op ${entry.operationId})`.slice(0, 1000),
    type: isFailure(entry.phase) ? 'Warning' : 'Normal',
    source: { component: 'matterops' },
    reportingComponent: 'matterops.io/bot',
    reportingInstance: 'matterops',
    firstTimestamp: entry.at,
    lastTimestamp: entry.at,
    count: 1,
  };
}

/**
 * The undo an Event carries, checked again as it is read: anyone with `create` on Events can write
 * one, so an annotation that is not a valid undo is ignored (the entry is read without it).
 */
function undoFrom(value: string | undefined): Undo | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = UndoSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The audit entry an Event is, when it looks like one of ours (exported for the adapter's unit
 * test); one whose signature does not verify is marked unverified and read without its undo.
 */
export function fromEvent(event: CoreV1Event, signer: Signer): AuditEntry | undefined {
  const a = event.metadata.annotations ?? {};
  const values = Object.fromEntries(fields.map((f) => [f, a[`${prefix}${f}`] ?? ''])) as Record<(typeof fields)[number], string>;
  if (!auditPhases.includes(values.phase as AuditPhase)) return undefined;
  const detail = (event.message ?? '').replace(/^[^:]+: [^:]+: /, '').replace(/ \(op \w+\)$/, '');
  const read: Omit<AuditEntry, 'detail' | 'undo'> = {
    at: new Date(event.lastTimestamp ?? event.metadata.creationTimestamp ?? 0),
    operationId: values.operation,
    phase: values.phase as AuditPhase,
    verb: values.verb,
    requester: values.requester,
    via: values.via,
    cluster: values.cluster,
    namespace: event.metadata.namespace ?? '',
    installation: event.involvedObject.name ?? '',
    ...(event.involvedObject.kind === 'ConfigMap' ? { objectKind: 'ConfigMap' as const } : {}),
  };
  const signature = a[sigAnnotation];
  if (signature === undefined || !signer.verify(signedText(read, a[undoAnnotation]), signature)) return { ...read, detail, unverified: true };
  const undo = undoFrom(a[undoAnnotation]);
  return { ...read, detail, ...(undo ? { undo } : {}) };
}

/** `signer` is the bot's own (MATTEROPS_SIGNING_KEY): what it records it signs, what it reads it checks. */
export function createEventAuditLog(kc: KubeConfig, context: string, signer: Signer): AuditLog {
  const core = kc.makeApiClient(CoreV1Api);
  const where = { context, server: kc.getCurrentCluster()?.server ?? '' };
  return {
    async record(entry) {
      await core.createNamespacedEvent({ namespace: entry.namespace, body: toEvent(entry, signer) }).catch((e: unknown) => {
        throw toMatteropsError(e, where);
      });
    },
    async query(query) {
      const labelSelector = 'matterops.io/audit=true';
      const list = await (query.namespace
        ? core.listNamespacedEvent({ namespace: query.namespace, labelSelector })
        : core.listEventForAllNamespaces({ labelSelector })
      ).catch((e: unknown) => {
        throw toMatteropsError(e, where);
      });
      return list.items
        .map((e) => fromEvent(e, signer))
        .filter((e): e is AuditEntry => e !== undefined)
        .filter(
          (e) => e.at >= query.since && (!query.installation || e.installation === query.installation) && (!query.requester || e.requester === query.requester),
        )
        .sort((a, b) => a.at.getTime() - b.at.getTime());
    },
  };
}
