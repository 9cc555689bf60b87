/**
 * The interactive prompt: history across sessions, tab completion of verbs, flags and installation
 * names (from the registry and the cluster), the same pipeline as chat.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type CompleterResult } from 'node:readline';
import type { PendingConfirmation } from '../../core/reply.ts';
import { complete } from '../../core/grammar/complete.ts';
import type { App } from '../../app.ts';
import { openHistory } from './history-file.ts';
import { renderTerminal } from './render-terminal.ts';
import { terminalCaller } from './terminal-caller.ts';

const history = openHistory(process.env.MATTEROPS_HISTORY || join(homedir(), '.matterops_history'));

/** A typed answer to a plan's question becomes `confirm` or `cancel`. */
export function answerToPending(pending: PendingConfirmation, answer: string): string {
  const yes = pending.confirmWord ? answer === pending.confirmWord : /^(y|yes)$/i.test(answer);
  return yes ? `confirm ${pending.code}${pending.confirmWord ? ` ${pending.confirmWord}` : ''}` : `cancel ${pending.code}`;
}

export async function startRepl(app: App): Promise<void> {
  const caller = terminalCaller();
  const color = Boolean(process.stdout.isTTY);
  let installations: string[] = [];
  const refreshNames = (): void => {
    app.clusters
      .get(app.clusters.defaultContext)
      ?.listInstallations()
      .then((found) => {
        installations = found.map((i) => i.name);
      })
      .catch(() => undefined); // completion is a convenience; errors show when a command runs
  };
  refreshNames();
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    history: history.load(),
    historySize: 500,
    prompt: `matterops (${app.clusters.defaultContext})> `,
    completer: (line: string): CompleterResult => {
      const candidates = complete(line, app.registry, { installations });
      const word = /\S*$/.exec(line)?.[0] ?? '';
      return [candidates, word];
    },
  });
  // Piped input (`printf 'list\nwhoami\n' | matterops`) closes the interface at its end while
  // commands still run: the lines already read are still answered, and no prompt follows the close
  // (it threw ERR_USE_AFTER_CLOSE after the first line, issue 14).
  let closed = false;
  rl.once('close', () => (closed = true));
  const prompt = (): void => {
    if (!closed) rl.prompt();
  };
  console.log(`matterops on cluster ${app.clusters.defaultContext}: type help, or exit to leave. Tab completes.`);
  prompt();
  const options = { confirmChanges: true, progress: (text: string) => console.log(`  ... ${text}`) };
  let pending: PendingConfirmation | undefined;
  for await (const line of rl) {
    const input = line.trim();
    if (input === 'exit' || input === 'quit') break;
    const command = pending ? answerToPending(pending, input) : input;
    pending = undefined;
    if (command) {
      if (!command.startsWith('confirm ') && !command.startsWith('cancel ')) history.append(command);
      const outcome = await app.pipeline.run(command, caller, options);
      console.log(`${renderTerminal(outcome.reply, { color })}\n`);
      pending = outcome.reply.pending;
      if (pending) console.log(pending.confirmWord ? `Type ${pending.confirmWord} to apply, anything else cancels.` : 'Apply? [y/N]');
      refreshNames();
    }
    prompt();
  }
  rl.close();
}
