#!/usr/bin/env node
/**
 * `matterops`. A runner Job's pod (`matterops backup|restore|drill|prune run`) loads the runner
 * (src/runner/) and nothing of the bot; every other command is the bot's command line
 * (command-line.ts). The bot's modules (the core, the Kubernetes and Mattermost clients) cost each
 * backup pod about 1.5 s at start and 70 MB of memory, and made every garbage collection during
 * its upload about twice as long (BENCHMARKS.md, backup).
 */
import { runnerOperations } from './core/model/backup.ts';

const argv = process.argv.slice(2);
const operation = runnerOperations.find((o) => o === argv[0]);
if (operation) {
  const { runnerCommand } = await import('./runner/runner-command.ts');
  process.exitCode = await runnerCommand(operation, argv.slice(1));
} else {
  const { commandLine } = await import('./command-line.ts');
  await commandLine(argv);
}
