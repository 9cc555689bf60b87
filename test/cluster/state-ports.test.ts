/** The Lease lock manager and the Events audit log against the real apiserver, as the bot. */
import { beforeAll } from 'vitest';
import { createEventAuditLog } from '../../src/adapters/kubernetes/event-audit-log.ts';
import { createLeaseLockManager } from '../../src/adapters/kubernetes/lease-lock-manager.ts';
import { auditLogContract } from '../contract/audit-log.contract.ts';
import { lockManagerContract } from '../contract/lock-manager.contract.ts';
import { kubeConfig, testNamespace } from '../support/sandbox.ts';

let namespace = '';
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
const bot = kubeConfig('sandbox-bot');
const locks = createLeaseLockManager(bot, 'sandbox-bot', { durationSeconds: 30, clock });
const audit = createEventAuditLog(bot, 'sandbox-bot');

beforeAll(async () => { namespace = await testNamespace('state'); });

lockManagerContract('Leases on the real apiserver', () => ({ locks, namespace, cluster: 'sandbox-bot', advance: (s) => { offsetMs += s * 1000; } }));
auditLogContract('Events on the real apiserver', () => ({ audit, namespace }));
