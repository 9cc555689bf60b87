/**
 * What the Mattermost web app hands a plugin (webapp/channels/src/plugins/registry.ts and
 * post_message_view.tsx): only the parts the companion uses, so no web app package is needed.
 */
import type { ComponentType } from 'react';

/** A post as the web app passes it to a registered post type component. */
export interface HostPost {
  id?: string;
  /** Its author's user id: whose profile says whether the bot wrote it (bot-author.ts). */
  user_id?: string;
  type?: string;
  message?: string;
  props?: Record<string, unknown> | null;
}

/** The theme colours the web app passes (a subset; all are CSS colours, usually `#rrggbb`). */
export interface HostTheme {
  centerChannelBg?: string;
  centerChannelColor?: string;
  onlineIndicator?: string;
  awayIndicator?: string;
  dndIndicator?: string;
  errorTextColor?: string;
  linkColor?: string;
  buttonBg?: string;
  buttonColor?: string;
}

/** The props post_message_view.tsx gives a plugin's post type component. */
export interface PostTypeProps {
  post: HostPost;
  theme?: HostTheme;
  compactDisplay?: boolean;
  isRHS?: boolean;
}

/** The part of the web app's plugin registry the companion calls. */
export interface PluginRegistry {
  registerPostTypeComponent(type: string, component: ComponentType<PostTypeProps>): string;
}

export interface Plugin {
  initialize(registry: PluginRegistry, store: unknown): void;
}

declare global {
  interface Window {
    registerPlugin?: (id: string, plugin: Plugin) => void;
    /** The web app's subpath when Mattermost is served under one (`/chat`); unset at the root. */
    basename?: string;
  }
}
