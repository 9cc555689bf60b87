/** A digest scheduler on fakes: one fake clock, state backend, notifier and cluster for any number of schedulers. */
import { cronerCalendar } from '../../../src/adapters/cron/croner-calendar.ts';
import type { Schedule } from '../../../src/core/model/schedule.ts';
import { schedulesDocument } from '../../../src/core/schedule/schedules-document.ts';
import { digestScheduler } from '../../../src/leader/digest-scheduler.ts';
import { FakeAuditLog } from '../../fakes/fake-audit-log.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeClusterGateway, fakeDirectory } from '../../fakes/fake-cluster-gateway.ts';
import { FakeNotifier } from '../../fakes/fake-notifier.ts';
import { FakeStateBackend, FakeStateStore } from '../../fakes/fake-state-store.ts';
import type { Policy } from '../../../src/core/policy/policy-schema.ts';
import type { Caller } from '../../../src/core/model/caller.ts';
import type { PostRef } from '../../../src/core/ports/notifier.ts';
import type { Reply } from '../../../src/core/reply.ts';
import { openPolicy } from '../../support/core-harness.ts';

export interface Rig {
  clock: FakeClock;
  backend: FakeStateBackend;
  notifier: FakeNotifier;
  gateway: FakeClusterGateway;
  logged: { level: string; message: string; fields: Record<string, unknown> }[];
  /** The commands scheduled drills ran (serve runs them through the chat responder), in order. */
  commands: { root: PostRef; command: string; caller: Caller }[];
  /** How a command run ends (default: at once, with no reply: "did not answer"); a test sets it. */
  answer: (command: string, caller: Caller) => Promise<Reply | undefined>;
  /**
   * The active Mattermost users as Mattermost tells them now, by id (a test changes or deletes
   * one between runs); a drill's owner is looked up here, in the channel it posts to.
   */
  users: Map<string, Omit<Caller, 'channel' | 'team'>>;
  /** Starts a scheduler (a replica); the returned function stops it and resolves once it has. */
  start(name?: string): () => Promise<void>;
  add(schedule: Partial<Schedule>): Promise<void>;
  stored(): Schedule[];
}

/** `pollMs`: how often the schedules are read between firings (long by default, so a day of fake time is quick). */
export function createRig(start: Date, pollMs = 12 * 3_600_000, policy: Policy = openPolicy): Rig {
  const clock = new FakeClock(start);
  const backend = new FakeStateBackend();
  const notifier = new FakeNotifier(['ch-ops']);
  const gateway = new FakeClusterGateway('sandbox-bot');
  gateway.seed('chat', 'mattermost', { replicas: 2 });
  gateway.seed('staging', 'mattermost-staging', { replicas: 1 });
  const audit = new FakeAuditLog();
  const logged: Rig['logged'] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void logged.push({ level, message, fields });
  const logger = { info: at('info'), warn: at('warn'), error: at('error') };
  let claims = 0;
  const rig: Rig = {
    clock,
    backend,
    notifier,
    gateway,
    logged,
    commands: [],
    answer: () => Promise.resolve(undefined),
    users: new Map(),
    start(name = 'a') {
      const controller = new AbortController();
      const running = digestScheduler({
        store: new FakeStateStore(backend),
        calendar: cronerCalendar,
        clock,
        logger,
        notifier,
        clusters: fakeDirectory(gateway),
        policy,
        audit: () => audit,
        backups: { enabled: false, why: 'off' },
        incidents: { store: new FakeStateStore(backend), cluster: 'sandbox-bot' },
        channelId: (c) => Promise.resolve(c.id ?? `ch-${c.name}`),
        runInChannel: (root, command, caller) => {
          rig.commands.push({ root, command, caller });
          return rig.answer(command, caller);
        },
        activeUser: (userId, channelId) => {
          const user = rig.users.get(userId);
          // The fake channels are named by their ids: `ch-ops` is ~ops in team chat.
          return Promise.resolve(user && { ...user, team: 'chat', channel: channelId.replace(/^ch-/, '') });
        },
        claimId: () => `${name}-${++claims}`,
        pollMs,
      }).start(controller.signal);
      return async () => {
        controller.abort();
        await running;
      };
    },
    async add(schedule) {
      await new FakeStateStore(backend).update(schedulesDocument, (current) => {
        const added: Schedule = {
          id: `s${current.nextId}`,
          cron: '0 9 * * *',
          timeZone: 'UTC',
          kind: 'status',
          scope: { all: true },
          always: false,
          cluster: 'sandbox-bot',
          channel: { id: 'ch-ops', name: 'ops' },
          owner: { id: 'terminal:alice', name: 'alice', via: 'terminal' },
          createdAt: clock.now().toISOString(),
          ...schedule,
        };
        return { nextId: current.nextId + 1, schedules: [...current.schedules, added] };
      });
    },
    stored: () => new FakeStateStore(backend).peek(schedulesDocument)?.schedules ?? [],
  };
  return rig;
}
