/**
 * Whose posts get a card: the bot's only. Anyone may create a post of type `custom_matterops_*`
 * with forged `props.matterops` (a "stable" status, a resolved incident, a Confirm button), and
 * every prop a client sends is its own to set: the server adds `from_bot` to a bot's posts but
 * strips it from nobody's (Mattermost 9.9 app/post.go CreatePost, model/post.go SanitizeProps), so
 * no prop can say who wrote a post. The author can: the web app keeps each author's profile in its
 * store (`entities.users.profiles[user_id]`), whose `is_bot` only the server sets. A bot account
 * named `matterops` is the bot (usernames are unique, and `matterops register` refuses a user of
 * that name that is not a bot); any other author, or one whose profile the web app has not loaded
 * yet, gets the plain post, and the card appears once the store has the profile.
 */
import { useCallback, useSyncExternalStore } from 'react';

/** The bot's username, as `matterops register` creates it (src/adapters/mattermost/register.ts). */
export const botUsername = 'matterops';

/** The part of the web app's Redux store the plugin reads (the second argument of `initialize`). */
export interface HostStore {
  getState(): unknown;
  subscribe(listener: () => void): () => void;
}

const noStore: HostStore = { getState: () => undefined, subscribe: () => () => undefined };

/** The store `initialize` was given, if it looks like one (the plugin never trusts a shape it did not check). */
export function hostStore(store: unknown): HostStore {
  const s = store as Partial<HostStore> | null | undefined;
  return typeof s?.getState === 'function' && typeof s.subscribe === 'function' ? (s as HostStore) : noStore;
}

const field = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined);

/** Whether the web app's state knows `userId` as the bot's account. */
export function isBotAuthor(state: unknown, userId: unknown): boolean {
  if (typeof userId !== 'string' || userId === '') return false;
  const profiles = field(field(field(state, 'entities'), 'users'), 'profiles');
  const profile = field(profiles, userId);
  return field(profile, 'is_bot') === true && field(profile, 'username') === botUsername;
}

/** `isBotAuthor` for a post's author, kept current as the store changes (a profile loaded after the post). */
export function useBotAuthor(store: HostStore, userId: unknown): boolean {
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
  const read = () => isBotAuthor(store.getState(), userId);
  return useSyncExternalStore(subscribe, read, read);
}
