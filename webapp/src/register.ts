import { cardKinds, cardPostType } from '../../src/core/card.ts';
import { hostStore } from './bot-author.ts';
import { cardPost } from './card-post.tsx';
import type { Plugin, PluginRegistry } from './host.ts';

/** The plugin id, as in plugin.json (a unit test keeps them equal). */
export const pluginId = 'io.matterops.companion';

/**
 * One post type component per card kind; the bot posts `custom_matterops_<kind>` only while this
 * plugin is active. `store` is the web app's Redux store, where the components read who wrote a post.
 */
export function registerCards(registry: PluginRegistry, store: unknown): void {
  const authors = hostStore(store);
  for (const kind of cardKinds) registry.registerPostTypeComponent(cardPostType(kind), cardPost(kind, authors));
}

export const companion: Plugin = {
  initialize(registry, store) {
    registerCards(registry, store);
  },
};
