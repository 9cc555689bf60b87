/**
 * Records an Event through the apiserver as a kubelet or controller would (as admin, core/v1), so
 * tests can make the warnings `status` shows appear on cue on the real peers.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

export interface RecordedEvent {
  namespace: string;
  type: 'Warning' | 'Normal';
  objectKind: string;
  objectName: string;
  reason: string;
  message: string;
  lastSeen: Date;
}

/** Creates the Event; returns its name. */
export async function recordEvent(admin: KubeConfig, e: RecordedEvent): Promise<string> {
  const name = `${e.objectName}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  await admin.makeApiClient(CoreV1Api).createNamespacedEvent({
    namespace: e.namespace,
    body: {
      metadata: { name, namespace: e.namespace },
      type: e.type,
      reason: e.reason,
      message: e.message,
      involvedObject: { apiVersion: 'v1', kind: e.objectKind, name: e.objectName, namespace: e.namespace },
      firstTimestamp: e.lastSeen,
      lastTimestamp: e.lastSeen,
      count: 1,
      source: { component: 'matterops-test' },
    },
  });
  return name;
}
