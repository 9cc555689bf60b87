/**
 * Alertmanager alerts threaded (issue 12), end to end: the real Alertmanager 0.31.1 of the sandbox
 * delivers to the bot as a process, which posts in the real Mattermost. `amtool alert add` makes
 * exactly one root in ~incidents (the channel the alert's mattermost_channel label names) with the
 * summary, and the status of the installation its namespace holds in the thread; a second alert of
 * the group is an update in that thread; resolving both (`--end` in the past) replies and edits the
 * root; the same group from a second Alertmanager (an HA pair that does not gossip: both deliver)
 * is still one root.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type StartedAlertmanager } from '../sandbox/alertmanager.ts';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { bin, sandboxDir } from '../sandbox/paths.ts';
import { stopProcess } from '../sandbox/processes.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { env, sandboxEnv, testNamespace } from '../support/sandbox.ts';
import type { MattermostPost as Post } from '../support/mattermost-post.ts';

let bot: BotProcess;
let second: StartedAlertmanager | undefined;
let previousUrl = '';
const started = Date.now();
const admin = (): MattermostRest => new MattermostRest(env('MM_URL'), env('MM_ADMIN_TOKEN'));
const run = promisify(execFile);
/** An alert name of this run only: the sandbox's Alertmanager keeps alerts of earlier runs. */
const unique = (name: string): string => `${name}${Math.random().toString(36).slice(2, 8)}`;

async function amtool(url: string, args: string[]): Promise<void> {
  await run(bin('amtool'), [`--alertmanager.url=${url}`, 'alert', 'add', ...args]);
}

/** The bot's posts in ~incidents since this file started that mention `name`, with their replies. */
async function threadOf(name: string): Promise<{ roots: Post[]; replies: Post[] }> {
  const list = await admin().call<{ posts: Record<string, Post> }>('GET', `/channels/${env('MM_CHANNEL_INCIDENTS')}/posts?since=${started}`);
  // `since` also lists the versions an edit replaced (deleted copies): only live posts count.
  const mine = Object.values(list.posts).filter((p) => p.user_id === env('MM_BOT_USER_ID') && p.delete_at === 0);
  const text = (p: Post): string => `${p.message}\n${(p.props?.attachments ?? []).map((a) => a.text ?? '').join('\n')}`;
  const roots = mine.filter((p) => !p.root_id && text(p).includes(name));
  const ids = new Set(roots.map((r) => r.id));
  const replies = mine.filter((p) => ids.has(p.root_id)).sort((a, b) => a.create_at - b.create_at);
  return { roots, replies };
}

const everything = (p: Post): string => `${p.message}\n${(p.props?.attachments ?? []).map((a) => a.text ?? '').join('\n')}`;

beforeAll(async () => {
  const state = await testNamespace('alerts');
  bot = await startBot(sandboxEnv(), { MATTEROPS_STATE_NAMESPACE: state, MATTEROPS_LOG_LEVEL: 'info' });
  // The sandbox's Alertmanager delivers where this file says (url_file is read on every delivery).
  previousUrl = readFileSync(env('ALERTMANAGER_WEBHOOK_URL_FILE'), 'utf8');
  writeFileSync(env('ALERTMANAGER_WEBHOOK_URL_FILE'), `${bot.url}/hooks/alertmanager`);
}, 150_000);
afterAll(async () => {
  if (previousUrl) writeFileSync(env('ALERTMANAGER_WEBHOOK_URL_FILE'), previousUrl);
  if (second) await stopProcess(second.process.pid);
  await bot?.stop();
});

describe('Alertmanager alerts as incident threads', () => {
  it('one root with the summary, the status in its thread, an update for a second alert, a reply and an edited root when resolved', async () => {
    const name = unique('MattermostDown');
    const am = env('ALERTMANAGER_URL');
    const labels = [name, 'namespace=chat', 'severity=critical', 'mattermost_channel=incidents'];
    await amtool(am, [...labels, 'pod=mm-a', '--annotation=summary="chat-main down"', '--annotation=runbook_url="https://runbooks.example.com/down"']);
    const first = await waitFor(
      async () => {
        const t = await threadOf(name);
        return t.roots.length && t.replies.length ? t : undefined;
      },
      { what: 'a root post and the status in its thread', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(first.roots).toHaveLength(1);
    const root = first.roots[0]!;
    expect(root.message).toContain(`CRITICAL chat/mattermost: ${name}: chat-main down`);
    expect(everything(root)).toContain('runbook: https://runbooks.example.com/down');
    expect(first.replies[0]!.message).toMatch(/^\*\*chat\/mattermost: /);

    await amtool(am, [...labels, 'pod=mm-b', '--annotation=summary="chat-main down"']);
    const updated = await waitFor(
      async () => {
        const t = await threadOf(name);
        return t.replies.some((r) => everything(r).includes('2 alerts firing')) ? t : undefined;
      },
      { what: 'an update in the thread', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(updated.roots.map((r) => r.id)).toEqual([root.id]);
    expect(everything(updated.replies.at(-1)!)).toContain('pod=mm-a, pod=mm-b');

    const past = new Date(Date.now() - 60_000).toISOString();
    for (const pod of ['pod=mm-a', 'pod=mm-b']) await amtool(am, [...labels, pod, `--end=${past}`]);
    const resolved = await waitFor(
      async () => {
        const t = await threadOf(name);
        return t.replies.some((r) => r.message.startsWith('resolved after')) && t.roots[0]?.message.includes('RESOLVED') ? t : undefined;
      },
      { what: 'the resolution in the thread and an edited root', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(resolved.roots).toHaveLength(1);
    expect(resolved.roots[0]!.message).toContain(`RESOLVED chat/mattermost: ${name}: 2 alerts firing`);
    expect(resolved.replies.filter((r) => r.message.startsWith('resolved after'))).toHaveLength(1);
  }, 120_000);

  it('the same group delivered by both Alertmanagers of an HA pair is one root', async () => {
    second = await startAlertmanager({
      dir: mkdtempSync(join(tmpdir(), 'matterops-am-b-')),
      logDir: join(sandboxDir, 'logs'),
      name: 'alertmanager-b',
      receiver: { urlFile: env('ALERTMANAGER_WEBHOOK_URL_FILE'), tokenFile: env('ALERTMANAGER_WEBHOOK_TOKEN_FILE') },
    });
    const delivered = async (url: string): Promise<number> => webhookCount(await (await fetch(`${url}/metrics`)).text(), 'alertmanager_notifications_total');
    const before = await delivered(env('ALERTMANAGER_URL'));
    const name = unique('DatabaseSlow');
    // Prometheus sends each alert to every Alertmanager, with the same start.
    const alert = [
      name,
      'namespace=chat',
      'severity=warning',
      'mattermost_channel=incidents',
      '--annotation=summary="queries over 2 s"',
      `--start=${new Date().toISOString()}`,
    ];
    await Promise.all([amtool(env('ALERTMANAGER_URL'), alert), amtool(second.url, alert)]);
    await waitFor(async () => (await threadOf(name)).roots.length > 0, { what: 'the root post', timeoutMs: 30_000, intervalMs: 250 });
    // Both delivered (each counts one webhook notification, none failed), and there is still one root.
    await waitFor(async () => (await delivered(env('ALERTMANAGER_URL'))) > before && (await delivered(second!.url)) > 0, {
      what: 'both Alertmanagers to deliver',
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    expect(webhookCount(await (await fetch(`${second.url}/metrics`)).text(), 'alertmanager_notifications_failed_total')).toBe(0);
    await new Promise((r) => setTimeout(r, 3_000)); // a second root would have come by now
    expect((await threadOf(name)).roots).toHaveLength(1);
  }, 120_000);
});

/** The sum of a counter's webhook series in Prometheus text. */
function webhookCount(metrics: string, counter: string): number {
  return metrics
    .split('\n')
    .filter((l) => l.startsWith(`${counter}{`) && l.includes('integration="webhook"'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}
