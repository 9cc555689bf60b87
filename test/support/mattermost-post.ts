/** A post as Mattermost's REST API returns it, the fields the real-peer tests read, and its text with its attachments'. */
export interface MattermostPost {
  id: string;
  message: string;
  user_id: string;
  root_id: string;
  channel_id: string;
  create_at: number;
  update_at: number;
  /** Set on an edited post's old version, which `since` also returns (without its message). */
  delete_at: number;
  type?: string;
  file_ids?: string[];
  props?: { attachments?: { text?: string; actions?: { id: string; name: string }[] }[] };
}

/** The message and every attachment's text, one per line: what a reader sees of a bot post. */
export const postText = (p: Pick<MattermostPost, 'message' | 'props'>): string =>
  [p.message, ...(p.props?.attachments ?? []).map((a) => a.text ?? '')].join('\n');
