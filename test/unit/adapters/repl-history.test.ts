/**
 * Issue 9, item 3: the REPL history file is created 0600 and keeps commands with their values
 * masked (`env set K=***`), so a secret typed at the prompt is not left on disk.
 */
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHistory } from '../../../src/adapters/terminal/history-file.ts';

const fresh = (): string => join(mkdtempSync(join(tmpdir(), 'matterops-history-')), 'history');

describe('the REPL history file', () => {
  it('is created readable by its owner only', () => {
    const file = fresh();
    openHistory(file).append('status mattermost');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('is narrowed to 0600 when an older matterops left it readable by others', () => {
    const file = fresh();
    writeFileSync(file, 'status mattermost\n');
    chmodSync(file, 0o644);
    openHistory(file).append('list -A');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('stores env set with its values masked, and gives the newest command first', () => {
    const file = fresh();
    const history = openHistory(file);
    history.append('env mattermost set MM_SQLSETTINGS_DATASOURCE=postgres://u:HistPw1@db/x MM_LOGSETTINGS_CONSOLELEVEL=DEBUG');
    history.append('status mattermost');
    expect(readFileSync(file, 'utf8')).not.toContain('HistPw1');
    expect(openHistory(file).load()).toEqual(['status mattermost', 'env mattermost set MM_SQLSETTINGS_DATASOURCE=*** MM_LOGSETTINGS_CONSOLELEVEL=***']);
  });
});
