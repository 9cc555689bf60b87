/** Renders a fixture post through the component the plugin registers for its type, as the web app does. */
import { render } from '@testing-library/react';
import React, { type ComponentType } from 'react';
import type { HostPost, HostTheme, PostTypeProps } from '../../../webapp/src/host.ts';
import { registerCards } from '../../../webapp/src/register.ts';
import { authorProfiles } from './fixtures.ts';

/** A Redux-like store as the web app passes it to `initialize`: `entities.users.profiles`, and a way to change them. */
export function hostStore(profiles: Record<string, unknown> = authorProfiles) {
  let state = { entities: { users: { profiles } } };
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** As the web app does when it loads a profile: a new state, then every listener. */
    setProfiles(next: Record<string, unknown>) {
      state = { entities: { users: { profiles: next } } };
      for (const l of listeners) l();
    },
  };
}

/** The registry calls the plugin made, by post type. */
export function registered(store: unknown = hostStore()): Map<string, ComponentType<PostTypeProps>> {
  const types = new Map<string, ComponentType<PostTypeProps>>();
  registerCards(
    {
      registerPostTypeComponent(type, component) {
        types.set(type, component);
        return `id-${type}`;
      },
    },
    store,
  );
  return types;
}

const components = registered();

export function renderPost(post: HostPost, theme?: HostTheme, types = components) {
  const Component = types.get(post.type ?? '');
  if (!Component) throw new Error(`no component registered for ${post.type}`);
  const view = render(<Component post={post} theme={theme} />);
  return { ...view, rerenderPost: (next: HostPost) => view.rerender(<Component post={next} theme={theme} />) };
}
