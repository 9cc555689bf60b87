#!/usr/bin/env node
/**
 * The command line: `matterops` (prompt), `matterops run "<command>" [--output json]`,
 * `matterops config check`, `matterops autocomplete`. Exit codes: 0 ok, 1 the command failed,
 * 2 bad usage of the command line itself.
 */
import { parseArgs } from 'node:util';
import { renderTerminal } from './adapters/terminal/render-terminal.ts';
import { startRepl } from './adapters/terminal/repl.ts';
import { terminalCaller } from './adapters/terminal/terminal-caller.ts';
import { loadConfig, redactedConfig } from './config/load-config.ts';
import { isMatteropsError } from './core/errors.ts';
import { autocompleteData } from './core/grammar/autocomplete-data.ts';
import { createRegistry } from './core/registry.ts';
import { allVerbs } from './core/verbs/index.ts';
import { stringify } from 'yaml';
import { createApp, matteropsVersion } from './main.ts';

const usage = `usage:
  matterops                          interactive prompt on the default cluster
  matterops run "<command>"          run one command, e.g. matterops run "status mattermost"
      --output text|json             json prints the reply model for scripts
  matterops config check             validate configuration (secrets masked)
  matterops autocomplete             Mattermost autocomplete data for /k8s, as JSON
  matterops --version`;

async function runOnce(command: string, output: string): Promise<number> {
  const app = createApp(loadConfig());
  const outcome = await app.pipeline.run(command, terminalCaller());
  if (output === 'json') {
    process.stdout.write(`${JSON.stringify({ ok: !outcome.reply.error, operation: outcome.operation, ...outcome.reply }, null, 2)}\n`);
  } else {
    const rendered = renderTerminal(outcome.reply, { color: Boolean(process.stdout.isTTY) });
    if (outcome.reply.error) process.stderr.write(`${rendered}\n`);
    else process.stdout.write(`${rendered}\n`);
  }
  return outcome.reply.error ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: { output: { type: 'string', short: 'o', default: 'text' }, version: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.version) return (console.log(matteropsVersion), 0);
  if (values.help) return (console.log(usage), 0);
  if (values.output !== 'text' && values.output !== 'json') return (console.error(`--output must be text or json\n${usage}`), 2);
  const [command, ...rest] = positionals;
  switch (command) {
    case undefined:
      await startRepl(createApp(loadConfig()));
      return 0;
    case 'run':
      if (!rest.length) return (console.error(`run needs a command, e.g. matterops run "status mattermost"\n${usage}`), 2);
      return await runOnce(rest.join(' '), values.output);
    case 'config':
      if (rest[0] !== 'check') return (console.error(usage), 2);
      console.log(`configuration is valid:\n${stringify(redactedConfig(loadConfig()))}`);
      return 0;
    case 'autocomplete':
      console.log(JSON.stringify(autocompleteData(createRegistry(allVerbs)), null, 2));
      return 0;
    default:
      console.error(`unknown command "${command}"\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
  console.error(isMatteropsError(error) ? `${error.message}${error.hint ? `\n${error.hint}` : ''}` : error);
  process.exitCode = isMatteropsError(error) ? 1 : 70;
});
