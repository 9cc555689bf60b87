/**
 * The prompt's history across sessions: a file only its owner may read (0600), holding commands
 * with their `KEY=VALUE` values and secrets masked, so a value typed into `env set` is not left
 * on disk (issue 9, item 3). Recalling a masked line shows `K=***`: type the value again.
 */
import { appendFileSync, chmodSync, existsSync, readFileSync } from 'node:fs';
import { maskCommand } from '../../core/text/redact.ts';

export interface HistoryFile {
  /** The newest `limit` commands, newest first (what readline expects). */
  load(limit?: number): string[];
  append(command: string): void;
}

const ownerOnly = 0o600;

export function openHistory(file: string): HistoryFile {
  let narrowed = false;
  const narrow = (): void => {
    // `mode` applies only when the file is created; an older file is narrowed once.
    if (!narrowed && existsSync(file)) chmodSync(file, ownerOnly);
    narrowed = true;
  };
  return {
    load(limit = 500) {
      if (!existsSync(file)) return [];
      narrow();
      return readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse().slice(0, limit);
    },
    append(command) {
      narrow();
      appendFileSync(file, `${maskCommand(command).replace(/\n/g, ' ')}\n`, { mode: ownerOnly });
    },
  };
}
