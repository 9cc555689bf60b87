/**
 * A backup pod loads the runner and nothing of the bot: loading the bot's modules and the Kubernetes
 * client (only a restore needs it, to write a Secret) cost every backup about 1.5 s at start, 70 MB
 * of memory and longer garbage collections during the upload (BENCHMARKS.md, backup). The CLI runs
 * as a child with a module hook that lists every module it resolves; the backup goes as far as its
 * store (nothing listens there), so its own code is loaded too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunnerResultSchema } from '../../../src/core/model/backup.ts';
import { freePort } from '../../sandbox/ports.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'runner-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `node src/cli.ts <args>` and returns the URLs of every module it resolved. */
function loadedModules(args: string[], env: Record<string, string>): string[] {
  const list = join(dir, `modules-${args.join('-')}`);
  const hook = join(dir, 'list-modules.mjs');
  writeFileSync(
    hook,
    `import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); appendFileSync(${JSON.stringify(list)}, r.url + '\\n'); return r; } });\n`,
  );
  spawnSync(process.execPath, ['--import', hook, join(repoRoot, 'src', 'cli.ts'), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: spawnTimeout,
  });
  return readFileSync(list, 'utf8').split('\n').filter(Boolean);
}

/** A process that loads the whole bot takes seconds on a loaded machine (8 s seen at load 8), beyond vitest's 5 s. */
const spawnTimeout = 30_000;

const ofTheBot = (url: string): boolean => url.includes('/@kubernetes/client-node/') || url.endsWith('/src/main.ts') || url.endsWith('/src/command-line.ts');

describe('matterops backup run', () => {
  it(
    'loads the backup and nothing of the bot or the Kubernetes client',
    async () => {
      const log = join(dir, 'termination-log');
      const modules = loadedModules(['backup', 'run'], {
        DB_CONNECTION_STRING: 'postgres://mmuser@127.0.0.1:1/mattermost?sslmode=disable',
        AWS_ACCESS_KEY_ID: 'key',
        AWS_SECRET_ACCESS_KEY: 'secret',
        MATTEROPS_S3_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
        MATTEROPS_S3_BUCKET: 'backups',
        MATTEROPS_BACKUP_ID: '20261201-231800-a1b2',
        MATTEROPS_INSTALLATION: 'chat/mattermost',
        MATTEROPS_REQUESTED_BY: 'alice',
        MATTEROPS_TERMINATION_LOG: log,
      });
      // It ran: the store it was given does not answer, so it failed reading earlier metadata there.
      expect(RunnerResultSchema.parse(JSON.parse(readFileSync(log, 'utf8')))).toMatchObject({ ok: false, stage: 'upload' });
      expect(modules.some((url) => url.endsWith('/src/runner/backup-run.ts'))).toBe(true);
      expect(modules.filter(ofTheBot).slice(0, 5)).toEqual([]); // the first few say where the bot came in
    },
    spawnTimeout,
  );

  it(
    'while the bot command line still loads the bot',
    () => {
      const modules = loadedModules(['--version'], {});
      expect(modules.some((url) => url.endsWith('/src/main.ts'))).toBe(true);
    },
    spawnTimeout,
  );
});
