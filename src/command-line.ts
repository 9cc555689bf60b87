/**
 * The bot's command line: `matterops` (prompt), `matterops run "<command>" [--output json]`,
 * `matterops config check`, `matterops autocomplete`. Exit codes: 0 ok, 1 the command failed,
 * 2 bad usage of the command line itself. The runner's operations never come here (cli.ts).
 */
import { parseArgs } from 'node:util';
import { routeConsoleToLogger } from './adapters/logging/console-to-logger.ts';
import { renderTerminal } from './adapters/terminal/render-terminal.ts';
import { startRepl } from './adapters/terminal/repl.ts';
import { terminalCaller } from './adapters/terminal/terminal-caller.ts';
import { loadConfig, redactedConfig } from './config/load-config.ts';
import { loadPolicy } from './config/load-policy.ts';
import { writeFileSync } from 'node:fs';
import { register } from './adapters/mattermost/register.ts';
import { listenForPublicUrl } from './config/public-url-listen.ts';
import { resumeEveryCluster } from './core/change/resume.ts';
import { resumeTargets } from './resume-targets.ts';
import { pluginCommand } from './plugin-command.ts';
import { serve } from './serve.ts';
import { isMatteropsError } from './core/errors.ts';
import { autocompleteData } from './core/grammar/autocomplete-data.ts';
import { createRegistry } from './core/registry.ts';
import { allVerbs } from './core/verbs/index.ts';
import { stringify } from 'yaml';
import { createApp, createServeApp, matteropsVersion, wireBot } from './main.ts';

const usage = `usage:
  matterops                          interactive prompt on the default cluster
  matterops run "<command>"          run one command, e.g. matterops run "status mattermost"
      --output text|json             json prints the reply model for scripts
                                     exit 0 done, 1 failed, 2 bad usage, 3 planned but not applied
                                     (add --yes for a change, --confirm <name> for a danger one)
  matterops resume                   follow changes a stopped matterops left in flight, report, exit
  matterops register [--url U --admin-token T --team ops --channels ops,incidents --public-url U --write-env F]
                                     create or update the bot, its icon and token, and the /k8s command;
                                     --write-env F writes what serve needs (tokens, URLs, listen address)
  matterops plugin install [--file F] | status
                                     install and enable the companion webapp plugin (idempotent;
                                     MM_URL and MM_ADMIN_TOKEN, a system admin's), or show its state
  matterops serve                    run the bot for Mattermost (slash, buttons, mentions) from the environment
  matterops config check             validate configuration (secrets masked)
  matterops autocomplete             Mattermost autocomplete data for /k8s, as JSON
  matterops backup|restore|drill|prune run the backup runner, as a Job's pod runs it (configured by its
                                     environment only; result in the termination log; exit 0 done, 1 failed)
  matterops help | --help | -h       this list
  matterops version | --version`;

/** Exit code when a change was planned but not applied: it needs --yes or --confirm <name>. */
const needsConfirmation = 3;

async function runOnce(command: string, output: string): Promise<number> {
  const app = createApp(loadConfig());
  const progress = (text: string): void => {
    process.stderr.write(`... ${text}\n`);
  };
  const outcome = await app.pipeline.run(command, terminalCaller(), { confirmChanges: true, progress });
  if (output === 'json') {
    process.stdout.write(`${JSON.stringify({ ok: !outcome.reply.error, operation: outcome.operation, ...outcome.reply }, null, 2)}\n`);
  } else {
    const rendered = renderTerminal(outcome.reply, { color: Boolean(process.stdout.isTTY) });
    if (outcome.reply.error) process.stderr.write(`${rendered}\n`);
    else process.stdout.write(`${rendered}\n`);
  }
  const pending = outcome.reply.pending;
  if (pending) {
    process.stderr.write(
      pending.needsApprover
        ? 'not applied: the two-person rule applies here; a second person must confirm it\n'
        : `not applied: add ${pending.flag} to apply\n`,
    );
    return needsConfirmation;
  }
  return outcome.reply.error ? 1 : 0;
}

/** Follows what a stopped matterops left in flight on every cluster it serves, reports each outcome, exits. */
async function resume(): Promise<number> {
  const app = createApp(loadConfig());
  if (!app.config.signingKey)
    process.stderr.write(
      'MATTEROPS_SIGNING_KEY is not set: what a stopped matterops left cannot be verified, so nothing is resumed; set the key it ran with\n',
    );
  const waitMs = app.config.changes.lockSeconds * 1000 + 2_000;
  const { reports, failed } = await resumeEveryCluster(app.changeDeps, resumeTargets(app.clusters, waitMs), (record, text) =>
    process.stderr.write(`... ${record.verb} ${record.namespace}/${record.name}: ${text}\n`),
  );
  for (const f of failed) process.stderr.write(`could not look for changes left in flight on cluster ${f.cluster}: ${f.error}\n`);
  if (!reports.length && !failed.length) console.log('nothing was left in flight');
  for (const r of reports) console.log(renderTerminal(r.reply, { color: Boolean(process.stdout.isTTY) }));
  return failed.length || reports.some((r) => r.reply.tone !== 'good') ? 1 : 0;
}

/**
 * `run` takes the rest of the line as the command, so `matterops run status mattermost -n chat`
 * works as well as the quoted form; only `--output`/`-o` belongs to the command line itself.
 */
function splitRun(rest: string[]): { command: string; output: string } {
  let output = 'text';
  const words: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] ?? '';
    if (word === '--output' || word === '-o') output = rest[++i] ?? '';
    else if (word.startsWith('--output=')) output = word.slice('--output='.length);
    else words.push(word);
  }
  // One word is the whole command (`run "scale x 5"`); several are re-quoted where the shell unquoted them.
  const quote = (w: string): string => (/\s/.test(w) ? `"${w.replaceAll('"', '\\"')}"` : w);
  return { command: words.length === 1 ? (words[0] ?? '') : words.map(quote).join(' '), output };
}

function configCheck(rest: string[]): number {
  if (rest[0] !== 'check') return (console.error(usage), 2);
  const config = loadConfig();
  const policy = loadPolicy(config.policyFile);
  console.log(
    `configuration is valid:\n${stringify(redactedConfig(config))}policy: ${config.policyFile ?? 'none (terminal users may read; nothing may change)'} (${Object.keys(policy.roles).length} roles, ${policy.bindings.length} bindings)`,
  );
  return 0;
}

async function run(args: string[]): Promise<number> {
  const { command, output } = splitRun(args);
  if (!command) return (console.error(`run needs a command, e.g. matterops run "status mattermost"\n${usage}`), 2);
  if (output !== 'text' && output !== 'json') return (console.error(`--output must be text or json\n${usage}`), 2);
  return await runOnce(command, output);
}

/** Runs the bot for Mattermost until SIGINT or SIGTERM. */
async function serveForever(): Promise<number> {
  const app = createServeApp(loadConfig());
  // A promise nobody awaited must not take the bot down for every other user: log it and keep serving.
  process.on('unhandledRejection', (reason) =>
    app.logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection (kept serving)'),
  );
  // From here on every line on stderr is the logger's JSON, the Mattermost client's chatter too.
  const restoreConsole = routeConsoleToLogger(app.logger);
  const bot = await wireBot(app)
    .then(serve)
    .catch((error: unknown) => {
      restoreConsole(); // a failed start is said as a plain line, like every other command's failure
      throw error;
    });
  process.stdout.write(`matterops serves Mattermost; slash commands and buttons at ${bot.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await bot.close();
  restoreConsole();
  return 0;
}

async function registerBot(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      url: { type: 'string', default: process.env.MM_URL },
      'admin-token': { type: 'string', default: process.env.MM_ADMIN_TOKEN },
      team: { type: 'string', default: process.env.MM_TEAM ?? 'ops' },
      channels: { type: 'string', default: 'ops,incidents' },
      'public-url': { type: 'string', default: process.env.MATTEROPS_PUBLIC_URL ?? `http://${process.env.MATTEROPS_HTTP_LISTEN ?? '127.0.0.1:8080'}` },
      'write-env': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return (console.log(usage), 0);
  if (!values.url || !values['admin-token']) return (console.error('register needs --url and --admin-token (or MM_URL and MM_ADMIN_TOKEN)'), 2);
  const result = await register({
    url: values.url,
    adminToken: values['admin-token'],
    team: values.team,
    channels: values.channels.split(',').filter(Boolean),
    publicUrl: values['public-url'].replace(/\/$/, ''),
    iconFile: new URL('../assets/icon.svg', import.meta.url).pathname,
    registry: createRegistry(allVerbs),
    ...(process.env.MM_BOT_TOKEN ? { botToken: process.env.MM_BOT_TOKEN } : {}),
  });
  // Everything serve needs; the listen address is the public URL's own when that is on this machine.
  const listen = listenForPublicUrl(values['public-url'], process.env.MATTEROPS_HTTP_LISTEN);
  const vars = {
    MM_URL: values.url,
    MM_BOT_TOKEN: result.botToken,
    MM_SLASH_TOKEN: result.slashToken,
    MATTEROPS_PUBLIC_URL: values['public-url'],
    ...(listen ? { MATTEROPS_HTTP_LISTEN: listen } : {}),
  };
  const env = Object.entries(vars)
    .map(([k, v]) => `export ${k}='${v.replaceAll("'", `'\\''`)}'`)
    .join('\n');
  if (values['write-env']) writeFileSync(values['write-env'], `${env}\n`, { mode: 0o600 });
  console.error(result.changes.length ? `changed: ${result.changes.join('; ')}` : 'nothing to change: the bot and /k8s are as they should be');
  console.log(values['write-env'] ? `environment written to ${values['write-env']} (tokens inside; source it)` : env);
  return 0;
}

/** Subcommands with options of their own: they parse them themselves. */
const subcommands: Record<string, (args: string[]) => Promise<number>> = {
  run,
  register: registerBot,
  plugin: (args) => pluginCommand(args, matteropsVersion),
};

async function main(argv: string[]): Promise<number> {
  if (['help', '--help', '-h'].includes(argv[0] ?? '')) return (console.log(usage), 0);
  const own = subcommands[argv[0] ?? ''];
  if (own) return await own(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { version: { type: 'boolean' } },
  });
  if (values.version) return (console.log(matteropsVersion), 0);
  const [command, ...rest] = positionals;
  switch (command) {
    case undefined:
      await startRepl(createApp(loadConfig()));
      return 0;
    case 'version':
      console.log(matteropsVersion);
      return 0;
    case 'config':
      return configCheck(rest);
    case 'resume':
      return await resume();
    case 'serve':
      return await serveForever();
    case 'autocomplete':
      console.log(JSON.stringify(autocompleteData(createRegistry(allVerbs)), null, 2));
      return 0;
    default:
      console.error(`unknown command "${command}"\n${usage}`);
      return 2;
  }
}

/** Runs one command line and sets the exit code; never throws. */
export async function commandLine(argv: string[]): Promise<void> {
  await main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        console.error(`${(error as Error).message}\n${usage}`);
        process.exitCode = 2;
        return;
      }
      console.error(isMatteropsError(error) ? `${error.message}${error.hint ? `\n${error.hint}` : ''}` : error);
      process.exitCode = isMatteropsError(error) ? 1 : 70;
    },
  );
}
