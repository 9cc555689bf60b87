/**
 * Under load (issue 16): many `/k8s status mattermost` at once, each a form POST to the bot's
 * /hooks/slash as Mattermost sends it for alice, the bot (`src/cli.ts serve`, a process of its own)
 * answering over HTTP and posting the status as itself; "visible" is when alice's websocket is
 * sent the post. Baseline in the same run, interleaved: the same number of posts made straight to
 * Mattermost with the bot's token, no bot (the ceiling of that server). Scenarios: 50 in one
 * channel, 200 over 10 channels, and 200 over 10 channels with Mattermost's rate limiting on at its
 * defaults (10 per second, burst 100, by remote address: this restarts the sandbox's Mattermost,
 * so run it on a sandbox of your own). Counts every post per channel (lost, duplicated), the 429s
 * the bot met (matterops_chat_rate_limited_total), the bot's peak RSS (VmRSS polled every 25 ms)
 * and the load average. Run: node bench/load.bench.ts (BENCH_ROUNDS, default 3).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { restartMattermost } from '../test/sandbox/sandbox.ts';
import { MattermostRest } from '../test/sandbox/mattermost-rest.ts';
import { httpOk, waitFor } from '../test/sandbox/wait.ts';
import { startBot, type BotProcess } from '../test/support/bot-process.ts';
import { seriesValue } from '../test/support/prom-text.ts';
import { watchPosts, type PostWatch } from './post-watch.ts';
import { peakRssMiB } from './rss-poll.ts';
import { percentile } from './stats.ts';
import { withSandbox } from './with-sandbox.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Run {
  answersMs: number[];
  /** From the first request to the last post seen, ms. */
  lastVisibleMs: number;
  seen: number;
  lost: number;
  duplicated: number;
  answers: Map<string, number>;
}

await withSandbox(async (env) => {
  const url = env.MM_URL ?? '';
  const admin = new MattermostRest(url, env.MM_ADMIN_TOKEN);
  const botId = env.MM_BOT_USER_ID ?? '';
  const channels: string[] = [];
  for (let i = 0; i < 10; i++) {
    const made = await admin.call<{ id: string }>('POST', '/channels', {
      team_id: env.MM_TEAM_ID,
      name: `load-${randomBytes(3).toString('hex')}-${i}`,
      display_name: `load ${i}`,
      type: 'O',
    });
    for (const user of [botId, env.MM_USER_ID_ALICE]) await admin.call('POST', `/channels/${made.id}/members`, { user_id: user });
    channels.push(made.id);
  }
  let bot: BotProcess = await startBot(env);
  let watch: PostWatch = await watchPosts(url, env.MM_TOKEN_ALICE ?? '');

  const slash = async (channel: string): Promise<{ ms: number; text: string }> => {
    const slashToken = bot.env.MM_SLASH_TOKEN ?? '';
    const t0 = performance.now();
    const form = new URLSearchParams({
      token: slashToken,
      text: 'status mattermost',
      command: '/k8s',
      user_id: env.MM_USER_ID_ALICE ?? '',
      user_name: 'alice',
      channel_id: channel,
      channel_name: 'load',
      team_domain: 'ops',
      team_id: env.MM_TEAM_ID ?? '',
    });
    const response = await fetch(`${bot.url}/hooks/slash`, { method: 'POST', headers: { Authorization: `Token ${slashToken}` }, body: form });
    const text = ((await response.json()) as { text: string }).text;
    return { ms: performance.now() - t0, text };
  };
  /** One post straight to Mattermost; a 429 waited out as any client would (Retry-After). */
  const straight = async (channel: string): Promise<{ ms: number; text: string }> => {
    const t0 = performance.now();
    for (;;) {
      const response = await fetch(`${url}/api/v4/posts`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${bot.env.MM_BOT_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ channel_id: channel, message: 'baseline post' }),
      });
      await response.text();
      if (response.status !== 429) return { ms: performance.now() - t0, text: String(response.status) };
      await sleep(Number(response.headers.get('Retry-After') ?? 1) * 1000);
    }
  };

  /** `n` requests at once over `spread` channels; waits until every post is seen (and 1.5 s more, for duplicates). */
  async function run(n: number, spread: number, send: (channel: string) => Promise<{ ms: number; text: string }>): Promise<Run> {
    const used = channels.slice(0, spread);
    const t0 = performance.now();
    const answered = await Promise.all(Array.from({ length: n }, (_, i) => send(used[i % spread] ?? '')));
    const set = new Set(used);
    await waitFor(() => Promise.resolve(watch.since(t0, set, botId).length >= n ? true : undefined), {
      what: `${n} posts`,
      timeoutMs: 120_000,
      intervalMs: 10,
    }).catch(() => undefined);
    const seenAt = watch.since(t0, set, botId);
    const lastVisibleMs = Math.max(...seenAt.map((p) => p.at)) - t0;
    await sleep(1_500);
    const seen = watch.since(t0, set, botId);
    const answers = new Map<string, number>();
    for (const a of answered) answers.set(a.text, (answers.get(a.text) ?? 0) + 1);
    // Counted per channel (the replies carry no per-request mark): a loss and a duplicate cancel
    // only when both fall in the same channel, and a post seen twice by id counts as duplicated.
    let lost = 0;
    let duplicated = seen.length - new Set(seen.map((p) => p.id)).size;
    used.forEach((channel, c) => {
      const expected = Math.floor(n / spread) + (c < n % spread ? 1 : 0);
      const got = new Set(seen.filter((p) => p.channel === channel).map((p) => p.id)).size;
      lost += Math.max(0, expected - got);
      duplicated += Math.max(0, got - expected);
    });
    return { answersMs: answered.map((a) => a.ms), lastVisibleMs, seen: new Set(seen.map((p) => p.id)).size, lost, duplicated, answers };
  }
  const rateLimited = async (): Promise<number> => seriesValue(await (await fetch(`${bot.url}/metrics`)).text(), 'matterops_chat_rate_limited_total') ?? 0;

  async function scenario(title: string, n: number, spread: number, settleMs: number, allowedMs?: number): Promise<void> {
    const load = [loadAverage()];
    const subject: Run[] = [];
    const baseline: Run[] = [];
    let peak = 0;
    const limitedBefore = await rateLimited();
    await run(Math.min(n, 20), spread, slash); // warm-up, untimed
    for (let r = 0; r < rounds; r++) {
      for (const side of r % 2 === 0 ? ['bot', 'raw'] : ['raw', 'bot']) {
        await sleep(settleMs);
        if (side === 'raw') baseline.push(await run(n, spread, straight));
        else {
          const { result, peakMiB } = await peakRssMiB(bot.child.pid ?? 0, () => run(n, spread, slash));
          peak = Math.max(peak, peakMiB);
          subject.push(result);
        }
      }
    }
    load.push(loadAverage());
    const limited = (await rateLimited()) - limitedBefore;
    const answers = subject.flatMap((s) => s.answersMs);
    const last = subject.map((s) => s.lastVisibleMs);
    const raw = baseline.map((s) => s.lastVisibleMs);
    const said = new Map<string, number>();
    for (const s of subject) for (const [text, count] of s.answers) said.set(text || '(empty: posted)', (said.get(text || '(empty: posted)') ?? 0) + count);
    console.log(`\n${title}: ${n} at once over ${spread} channel(s), ${rounds} rounds interleaved; load average ${load.join(' -> ')}`);
    console.log(
      `  HTTP answer        p50 ${percentile(answers, 50).toFixed(0)} ms   max ${Math.max(...answers).toFixed(0)} ms   answers: ${[...said].map(([t, c]) => `${c}x ${t}`).join(', ')}`,
    );
    console.log(
      `  last post visible  bot p50 ${percentile(last, 50).toFixed(0)} ms (max ${Math.max(...last).toFixed(0)})   straight p50 ${percentile(raw, 50).toFixed(0)} ms (max ${Math.max(...raw).toFixed(0)})   ratio p50 ${(percentile(last, 50) / percentile(raw, 50)).toFixed(3)}`,
    );
    if (allowedMs !== undefined)
      console.log(`  the limit allows   ${allowedMs} ms for ${n} posts   bot / allowed p50 ${(percentile(last, 50) / allowedMs).toFixed(3)}`);
    console.log(
      `  lost ${subject.reduce((s, r) => s + r.lost, 0)}   duplicated ${subject.reduce((s, r) => s + r.duplicated, 0)}   (straight: lost ${baseline.reduce((s, r) => s + r.lost, 0)})   429s met by the bot ${limited}   bot peak RSS ${peak.toFixed(1)} MiB`,
    );
  }

  try {
    await scenario('one channel', 50, 1, 500);
    await scenario('ten channels', 200, 10, 500);
    // Mattermost's defaults once enabled: 10 per second, a burst of 100 (Limit 101), by remote
    // address, so every client on loopback shares one bucket. Each run starts with it full (12 s).
    bot.child.kill('SIGTERM');
    watch.close();
    await restartMattermost({ MM_RATELIMITSETTINGS_ENABLE: 'true' });
    bot = await startBot(env);
    watch = await watchPosts(url, env.MM_TOKEN_ALICE ?? '');
    await waitFor(() => httpOk(`${bot.url}/readyz`), { what: 'the bot ready again', timeoutMs: 60_000 });
    await scenario('ten channels, rate limiting on at its defaults', 200, 10, 12_000, ((200 - 101) / 10) * 1000);
  } finally {
    watch.close();
    await bot.stop();
    await restartMattermost();
  }
});
process.exit(0);
