/**
 * Issue 9, item 3: pino redaction covers fields, not only messages. Every string field value,
 * nested or in arrays, is masked; a command line in a field has its env values masked.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPinoLogger } from '../../../src/adapters/logging/pino-logger.ts';

async function logged(write: (logger: ReturnType<typeof createPinoLogger>) => void): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'matterops-log-')), 'log.json');
  write(createPinoLogger('info', file));
  // pino.destination writes asynchronously; give it a moment to reach the file.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return readFileSync(file, 'utf8');
}

describe('the JSON log', () => {
  it('masks secrets in every string field, nested and in arrays, and in the message', async () => {
    const out = await logged((logger) => {
      logger.error(
        {
          text: 'env mattermost set MM_CUSTOM_UPSTREAM=PlainLookingValue7',
          input: 'env mattermost set MM_SQLSETTINGS_DATASOURCE=postgres://u:FieldPw1@db/x',
          err: 'dial postgres://mmuser:NestedPw2@db:5432/mm: refused',
          detail: { inner: { dsn: 'host=db password=DeepPw3' }, list: ['Authorization: Bearer 8xq3k5n7fpgbpy1yrnojhyzd4w'] },
        },
        'could not answer env mattermost set MM_A=postgres://a:MessagePw4@h',
      );
    });
    for (const secret of ['PlainLookingValue7', 'FieldPw1', 'NestedPw2', 'DeepPw3', '8xq3k5n7fpgbpy1yrnojhyzd4w', 'MessagePw4'])
      expect(out).not.toContain(secret);
    const line = JSON.parse(out.trim()) as Record<string, unknown>;
    expect(line.text).toBe('env mattermost set MM_CUSTOM_UPSTREAM=***');
    expect(line.msg).toContain('could not answer');
    expect(line.service).toBe('matterops');
  });

  it('keeps ordinary fields as they are', async () => {
    const out = await logged((logger) => {
      logger.info({ post: '8xq3k5n7fpgbpy1yrnojhyzd4w', attempts: 3, ok: true }, 'delivered');
    });
    expect(JSON.parse(out.trim())).toMatchObject({ post: '8xq3k5n7fpgbpy1yrnojhyzd4w', attempts: 3, ok: true, msg: 'delivered' });
  });
});
