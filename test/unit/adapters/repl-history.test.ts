/**
 * Issue 9, item 3: the REPL history file is created 0600 and keeps commands with their values
 * masked (`env set K=***`), so a secret typed at the prompt is not left on disk.
 */
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHistory } from '../../../src/adapters/terminal/history-file.ts';
import { MatteropsError } from '../../../src/core/errors.ts';
import { parseCommand } from '../../../src/core/grammar/parse.ts';
import { createRegistry } from '../../../src/core/registry.ts';
import { allVerbs } from '../../../src/core/verbs/index.ts';

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

  it('a recalled masked line is refused, not applied: *** is never written as a value', () => {
    const file = fresh();
    const history = openHistory(file);
    history.append('env mattermost set MM_SQLSETTINGS_DATASOURCE=postgres://u:HistPw1@db/x');
    const [recalled = ''] = history.load();
    expect(recalled).toBe('env mattermost set MM_SQLSETTINGS_DATASOURCE=***');
    const registry = createRegistry(allVerbs);
    const refusal = (line: string): MatteropsError | undefined => {
      try {
        parseCommand(line, registry);
      } catch (error) {
        return error as MatteropsError;
      }
      return undefined;
    };
    for (const line of [recalled, "env mattermost set MM_X='***'", 'env mattermost set MM_LOGSETTINGS_CONSOLELEVEL=DEBUG MM_X=***']) {
      const error = refusal(line);
      expect(error, line).toBeInstanceOf(MatteropsError);
      expect(error?.code, line).toBe('usage');
      expect(error?.message, line).toContain('*** is how matterops hides a value; type the real value');
    }
    // A value that merely holds the mask is the user's own.
    expect(refusal('env mattermost set MM_X=a***b')).toBeUndefined();
    // The history stays masked: the refused line is stored as typed, masked.
    history.append(recalled);
    expect(readFileSync(file, 'utf8')).not.toContain('HistPw1');
    expect(history.load()[0]).toBe('env mattermost set MM_SQLSETTINGS_DATASOURCE=***');
  });
});
