import { cardKinds, cardPostType } from '../../src/core/card.ts';
import { cardPost } from './card-post.tsx';
import type { Plugin, PluginRegistry } from './host.ts';

/** The plugin id, as in plugin.json (a unit test keeps them equal). */
export const pluginId = 'io.matterops.companion';

/** One post type component per card kind; the bot posts `custom_matterops_<kind>` only while this plugin is active. */
export function registerCards(registry: PluginRegistry): void {
  for (const kind of cardKinds) registry.registerPostTypeComponent(cardPostType(kind), cardPost(kind));
}

export const companion: Plugin = {
  initialize(registry) {
    registerCards(registry);
  },
};
