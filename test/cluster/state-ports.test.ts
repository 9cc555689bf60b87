/** The Lease lock manager and the Events audit log against the real apiserver, as the bot. */
import { CoreV1Api } from '@kubernetes/client-node';
import { beforeAll } from 'vitest';
import { createEventAuditLog, toEvent } from '../../src/adapters/kubernetes/event-audit-log.ts';
import { createHmacSigner } from '../../src/adapters/crypto/hmac-signer.ts';
import { createLeaseLockManager } from '../../src/adapters/kubernetes/lease-lock-manager.ts';
import type { AuditEntry } from '../../src/core/ports/audit-log.ts';
import type { LockManager } from '../../src/core/ports/lock-manager.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import { auditLogContract } from '../contract/audit-log.contract.ts';
import { lockManagerContract } from '../contract/lock-manager.contract.ts';
import { kubeConfig, testNamespace } from '../support/sandbox.ts';

let namespace = '';
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
const bot = kubeConfig('sandbox-bot');
// This file's own namespace is the state namespace too, so its locks meet nobody else's.
let locks: LockManager;
const audit = createEventAuditLog(bot, 'sandbox-bot', createHmacSigner('the bot key for the contract'));
// A forger with `create` on Events, signing with a key of its own: the bot must not trust it.
const forge = async (entry: AuditEntry): Promise<void> => {
  await bot.makeApiClient(CoreV1Api).createNamespacedEvent({ namespace, body: toEvent(entry, createHmacSigner('not the bot key at all')) });
};

beforeAll(async () => {
  namespace = await testNamespace('state');
  locks = createLeaseLockManager(bot, 'sandbox-bot', {
    namespace,
    durationSeconds: 30,
    clock,
    signer: createHmacSigner('a key for the contract'),
    logger: silentLogger,
  });
});

lockManagerContract('Leases on the real apiserver', () => ({
  locks,
  namespace,
  cluster: 'sandbox-bot',
  advance: (s) => {
    offsetMs += s * 1000;
  },
}));
auditLogContract('Events on the real apiserver', () => ({ audit, namespace, forge }));
