/**
 * `/k8s status mattermost` as Mattermost delivers it: POST /hooks/slash to the bot (serve, in
 * process) until the HTTP answer, which comes after the bot posted the status as itself. Baseline:
 * the raw calls that answer needs, same run, interleaved: the four Kubernetes reads of `status`
 * and the one Mattermost post. Run: node bench/slash.bench.ts (BENCH_ROUNDS, default 200).
 */
import { BatchV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { register } from '../src/adapters/mattermost/register.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { silentLogger } from '../src/core/ports/logger.ts';
import { createRegistry } from '../src/core/registry.ts';
import { allVerbs } from '../src/core/verbs/index.ts';
import { createServeApp, wireBot } from '../src/main.ts';
import { serve } from '../src/serve.ts';
import { MattermostRest } from '../test/sandbox/mattermost-rest.ts';
import { freePort } from '../test/sandbox/ports.ts';
import { compare, interleave, ms } from './stats.ts';
import { withSandbox } from './with-sandbox.ts';
import { KeepAliveKubeConfig } from '../src/adapters/kubernetes/keep-alive-kube-config.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 200);

await withSandbox(async (env) => {
  const listen = `127.0.0.1:${await freePort()}`;
  const url = env.MM_URL ?? '';
  const registration = await register({
    url,
    adminToken: env.MM_ADMIN_TOKEN ?? '',
    team: 'ops',
    channels: ['ops'],
    publicUrl: `http://${listen}`,
    botToken: env.MM_BOT_TOKEN ?? '',
    iconFile: new URL('../assets/icon.svg', import.meta.url).pathname,
    registry: createRegistry(allVerbs),
  });
  const admin = new MattermostRest(url, env.MM_ADMIN_TOKEN);
  const channel = await admin.call<{ id: string }>('POST', '/channels', {
    team_id: env.MM_TEAM_ID,
    name: `bench-${Date.now().toString(36)}`,
    display_name: 'bench',
    type: 'O',
  });
  await admin.call('POST', `/channels/${channel.id}/members`, { user_id: registration.botUserId });
  // Backups off: with the sandbox's store configured, status also lists the store for the last
  // backup's age, a read the raw side does not make (and earlier rows, from before backups, lack).
  const withoutBackups = Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('MATTEROPS_BACKUP_')));
  const config = loadConfig({
    ...withoutBackups,
    MM_BOT_TOKEN: registration.botToken,
    MM_SLASH_TOKEN: registration.slashToken,
    MATTEROPS_HTTP_LISTEN: listen,
    MATTEROPS_KUBECONFIG: env.KUBECONFIG,
    MATTEROPS_LOG_LEVEL: 'silent',
    // The send queue spaces posts at this rate on purpose (default 5/s); measure the pipeline, not the spacing.
    MM_POSTS_PER_SECOND: '100',
  });
  const bot = await serve(await wireBot(createServeApp(config, { logger: silentLogger })));
  const form = new URLSearchParams({
    token: registration.slashToken,
    text: 'status mattermost',
    command: '/k8s',
    user_id: env.MM_USER_ID_ALICE ?? '',
    user_name: 'alice',
    channel_id: channel.id,
    channel_name: 'bench',
    team_domain: 'ops',
    team_id: env.MM_TEAM_ID ?? '',
  }).toString();
  const slash = async (): Promise<void> => {
    const response = await fetch(`${bot.url}/hooks/slash`, {
      method: 'POST',
      headers: { Authorization: `Token ${registration.slashToken}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    const answer = (await response.json()) as { text: string };
    if (answer.text !== '') throw new Error(`unexpected answer: ${answer.text}`);
  };
  const kc = new KeepAliveKubeConfig(); // the transport the bot uses: the comparison is of matterops's own work
  kc.loadFromFile(env.KUBECONFIG ?? '');
  kc.setCurrentContext('sandbox-bot');
  const [custom, core, batch] = [kc.makeApiClient(CustomObjectsApi), kc.makeApiClient(CoreV1Api), kc.makeApiClient(BatchV1Api)];
  const poster = new MattermostRest(url, registration.botToken);
  const raw = async (): Promise<void> => {
    await custom.getNamespacedCustomObject({
      group: 'installation.mattermost.com',
      version: 'v1beta1',
      plural: 'mattermosts',
      namespace: 'chat',
      name: 'mattermost',
    });
    await Promise.all([
      core.listNamespacedPod({ namespace: 'chat', labelSelector: 'installation.mattermost.com/installation=mattermost' }),
      core.listNamespacedEvent({ namespace: 'chat' }),
      batch.listNamespacedJob({ namespace: 'chat' }),
    ]);
    await poster.call('POST', '/posts', { channel_id: channel.id, message: 'raw baseline post' });
  };
  try {
    await interleave(20, slash, raw);
    const samples = await interleave(rounds, slash, raw);
    const r = compare(samples.subject, samples.baseline);
    console.log(`/k8s status mattermost over HTTP, ${rounds} rounds interleaved (node ${process.version})`);
    console.log(`  slash request -> HTTP answer  p50 ${ms(r.p50)}   p99 ${ms(r.p99)}`);
    console.log(`  raw reads + one post          p50 ${ms(r.baselineP50)}   p99 ${ms(r.baselineP99)}`);
    console.log(`  ratio bot/raw                 p50 ${r.ratioP50.toFixed(3)}   p99 ${r.ratioP99.toFixed(3)}   added p50 ${ms(r.p50 - r.baselineP50)}`);
  } finally {
    await bot.close();
  }
});
process.exit(0);
