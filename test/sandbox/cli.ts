/** `node test/sandbox/cli.ts up|down|status`: what `make sandbox` and `make sandbox-down` run. */
import { envPath, kubeconfigPath, sandboxDir } from './paths.ts';
import { readEnvFile } from './env-file.ts';
import { down, up } from './sandbox.ts';
import { readState, runningProcesses } from './state.ts';

function summary(env: Record<string, string>, readyMs: number): string {
  const state = readState();
  const procs = (state?.processes ?? []).map((p) => `  ${p.name.padEnd(24)} pid ${p.pid}`).join('\n');
  return `matterops sandbox ready in ${(readyMs / 1000).toFixed(1)} s

  kube-apiserver           ${env.KUBE_API_URL}   (contexts: sandbox = admin, sandbox-bot = matterops,
                           sandbox-alice, sandbox-bob, sandbox-mallory)
  Mattermost 9.9.0         ${env.MM_URL}   (team ops: town-square, ops, incidents;
                           users admin, alice, bob, mallory; password in MM_PASSWORD; bot matterops)
  PostgreSQL 15            127.0.0.1:${env.PORT_POSTGRES}   (roles mmuser; mmadmin for restores: MATTEROPS_DB_ADMIN_URL)
  SeaweedFS 4.53 (S3)      ${env.MATTEROPS_BACKUP_S3_ENDPOINT}   (bucket ${env.MATTEROPS_BACKUP_S3_BUCKET}; keys in MATTEROPS_BACKUP_S3_*)
  Alertmanager 0.31.1      ${env.ALERTMANAGER_URL}   (delivers to the bot at ${env.MATTEROPS_HTTP_LISTEN}; amtool --alertmanager.url=$ALERTMANAGER_URL alert add ...)
  runner pods              pods labelled matterops.io/runner=job run here as node src/cli.ts (logs/runner-*.log)
  installations            chat/mattermost (2 replicas), staging/mattermost-staging (1 replica)
${procs}

Use it:
  . ${envPath}
  kubectl --kubeconfig ${kubeconfigPath} get mattermosts -A     (your kubectl; contexts above)
  curl -H "Authorization: Bearer $MM_TOKEN_ALICE" $MM_URL/api/v4/users/me
Logs: ${sandboxDir}/logs    Stop: make sandbox-down`;
}

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case 'up': {
      const result = await up();
      if (result.alreadyRunning) {
        console.log(`a sandbox is already running (${envPath}); nothing changed. Stop it with make sandbox-down.`);
        return;
      }
      console.log(summary(result.env, result.readyMs));
      return;
    }
    case 'down':
      await down();
      return;
    case 'status': {
      const state = readState();
      if (!state) return console.log('no sandbox is running');
      const alive = runningProcesses(state);
      console.log(`${alive.length}/${state.processes.length} sandbox processes alive`);
      if (alive.length === state.processes.length) console.log(summary(readEnvFile(envPath), state.readyMs ?? 0));
      return;
    }
    default:
      console.error('usage: node test/sandbox/cli.ts up|down|status');
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error((error as Error).message);
  process.exitCode = 1;
});
