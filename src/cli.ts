#!/usr/bin/env node
/**
 * `matterops`. First the Node version (node-version.ts: on a Node older than package.json's engines
 * it stops with one line saying what to run instead). A runner Job's pod (`matterops
 * backup|restore|drill|prune run`) then loads the runner (src/runner/) and nothing of the bot;
 * every other command is the bot's command line (command-line.ts). The bot's modules (the core,
 * the Kubernetes and Mattermost clients) cost each backup pod about 1.5 s at start and 70 MB of
 * memory, and made every garbage collection during its upload about twice as long (BENCHMARKS.md,
 * backup). Everything but the version check is imported after it, so nothing else runs on an old Node.
 * Then, before anything imports @kubernetes/client-node, the hook that loads only the API groups
 * matterops uses (adapters/kubernetes/client-node-groups.ts: about 13 MiB less resident memory).
 */
import { enginesNode, nodeVersionProblem } from './node-version.ts';

const problem = nodeVersionProblem(process.versions.node, enginesNode());
if (problem) {
  console.error(problem);
  process.exit(2);
}
(await import('./adapters/kubernetes/client-node-groups.ts')).loadOnlyUsedApiGroups();
const argv = process.argv.slice(2);
const { runnerOperations } = await import('./core/model/backup.ts');
const operation = runnerOperations.find((o) => o === argv[0]);
if (operation) {
  const { runnerCommand } = await import('./runner/runner-command.ts');
  process.exitCode = await runnerCommand(operation, argv.slice(1));
} else {
  const { commandLine } = await import('./command-line.ts');
  await commandLine(argv);
}
