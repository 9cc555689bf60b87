/**
 * The files of a post, uploaded to its channel before the create that names them (Mattermost:
 * POST /api/v4/files, then `file_ids` on the post; reference/mattermost.md B.5). A file the server
 * will not take for good (attachments turned off, too large, no right to upload) is left out and
 * logged: the post goes without it rather than not at all. A passing failure (no answer, 429,
 * 5xx) is thrown for the outbox to retry the whole create; what was uploaded already is kept by
 * the create's key, so a retry uploads only the rest.
 */
import type { Logger } from '../../core/ports/logger.ts';
import type { PostFile } from '../../core/ports/notifier.ts';
import { MattermostApiError, type MattermostApi } from './mattermost-api.ts';

/** 501 is how Mattermost says file attachments are turned off (`FileSettings.EnableFileAttachments`): no retry helps. */
const passing = (e: unknown): boolean => !(e instanceof MattermostApiError) || e.status === 0 || e.status === 429 || (e.status >= 500 && e.status !== 501);

/** The ids of `files` in `channel`, uploading those not uploaded yet for the create `key`. */
export interface FileUploads {
  api: Pick<MattermostApi, 'uploadFile'>;
  /** What was uploaded so far, by the key of the create it is for. */
  done: Map<string, string[]>;
  logger: Logger;
}

export async function uploadedFiles(d: FileUploads, key: string, channel: string, files: readonly PostFile[]): Promise<string[]> {
  const { api, logger } = d;
  const ids = d.done.get(key) ?? [];
  d.done.set(key, ids);
  // Files are uploaded in order, so the ones done are the first `ids.length` (a given-up one holds '').
  for (const file of files.slice(ids.length)) {
    try {
      ids.push(await api.uploadFile(channel, file));
    } catch (error) {
      if (passing(error)) throw error;
      logger.warn({ channel, file: file.name, err: (error as Error).message }, 'a file could not be attached to a post: posted without it');
      ids.push('');
    }
  }
  return ids.filter(Boolean);
}
