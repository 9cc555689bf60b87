/** Renders a fixture post through the component the plugin registers for its type, as the web app does. */
import { render } from '@testing-library/react';
import React, { type ComponentType } from 'react';
import type { HostPost, HostTheme, PostTypeProps } from '../../../webapp/src/host.ts';
import { registerCards } from '../../../webapp/src/register.ts';

/** The registry calls the plugin made, by post type. */
export function registered(): Map<string, ComponentType<PostTypeProps>> {
  const types = new Map<string, ComponentType<PostTypeProps>>();
  registerCards({
    registerPostTypeComponent(type, component) {
      types.set(type, component);
      return `id-${type}`;
    },
  });
  return types;
}

const components = registered();

export function renderPost(post: HostPost, theme?: HostTheme) {
  const Component = components.get(post.type ?? '');
  if (!Component) throw new Error(`no component registered for ${post.type}`);
  const view = render(<Component post={post} theme={theme} />);
  return { ...view, rerenderPost: (next: HostPost) => view.rerender(<Component post={next} theme={theme} />) };
}
