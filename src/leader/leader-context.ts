/**
 * What leader runnables may use that only `serve` builds: the Mattermost side (the REST client,
 * the bot's identity, the notifier, where mentions go) and the election's step-down.
 */
import type { MattermostApi } from '../adapters/mattermost/mattermost-api.ts';
import type { Mention } from '../adapters/mattermost/mention-listener.ts';
import type { Notifier } from '../core/ports/notifier.ts';

export interface LeaderContext {
  api: MattermostApi;
  botToken: string;
  bot: { id: string; username: string };
  notifier: Notifier;
  onMention: (m: Mention) => void;
  /** Gives leadership up for a while (leader-election's stepDown): for a leader that cannot do its job. */
  stepDown: () => Promise<void>;
}
