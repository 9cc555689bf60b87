/** The Mattermost notifier over a recording fake of the REST API, with the companion plugin active or not. */
import { createMattermostNotifier } from '../../../src/adapters/mattermost/mattermost-notifier.ts';
import type { MattermostApi, NewPost, Post } from '../../../src/adapters/mattermost/mattermost-api.ts';
import { ServerPacer } from '../../../src/adapters/mattermost/server-pacer.ts';
import { systemClock } from '../../../src/core/ports/clock.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';

/** A create's body, or a patch's (with the id it patched). */
export type PostBody = Partial<NewPost> & { message: string; id?: string };

export function cardNotifier(active: boolean) {
  const sent: PostBody[] = [];
  let made = 0;
  const answer = (body: PostBody): Promise<Post> => {
    sent.push(structuredClone(body));
    return Promise.resolve({
      id: body.id ?? `post${++made}`.padEnd(26, 'x'),
      channel_id: body.channel_id ?? '',
      user_id: 'bot',
      root_id: '',
      message: body.message,
      create_at: 0,
    });
  };
  const api = {
    createPost: (post: NewPost) => answer(post),
    patchPost: (id: string, patch: { message?: string; props?: Record<string, unknown> }) =>
      answer({ id, message: patch.message ?? '', ...(patch.props ? { props: patch.props } : {}) }),
    postsSince: () => Promise.resolve([]),
  } as unknown as MattermostApi;
  const notifier = createMattermostNotifier({
    api,
    clock: systemClock,
    logger: silentLogger,
    pacer: new ServerPacer({ clock: systemClock }),
    cards: () => active,
  });
  /** Resolves once the outbox has nothing left to send. */
  const idle = async (): Promise<void> => {
    while (notifier.depth > 0) await new Promise((r) => setTimeout(r, 5));
  };
  return { notifier, sent, idle };
}
