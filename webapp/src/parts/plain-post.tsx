import React from 'react';
import type { HostPost } from '../host.ts';
import { postActions } from '../post-action.ts';
import { wrap } from '../styles.ts';
import type { Palette } from '../theme.ts';
import { Actions } from './actions.tsx';

/**
 * What a post shows when its card cannot be read: its message and its attachments' text as plain
 * text (markdown left as typed: the plugin renders no markdown), and its buttons. Reads every field
 * defensively, as it is also what the error boundary falls back to.
 */
export function PlainPost({ post, palette }: { post: HostPost; palette: Palette }) {
  const texts = attachmentTexts(post.props);
  return (
    <div className="matterops-plain" style={{ ...wrap, whiteSpace: 'pre-wrap', color: palette.text }}>
      {typeof post.message === 'string' ? post.message : ''}
      {texts.map((t, i) => (
        <div
          key={i}
          className="matterops-plain-attachment"
          style={{ ...wrap, whiteSpace: 'pre-wrap', marginTop: 4, paddingLeft: 8, borderLeft: `3px solid ${palette.line}` }}
        >
          {t}
        </div>
      ))}
      <Actions postId={post.id} actions={postActions(post.props)} palette={palette} />
    </div>
  );
}

function attachmentTexts(props: unknown): string[] {
  const attachments = typeof props === 'object' && props !== null ? (props as Record<string, unknown>).attachments : undefined;
  if (!Array.isArray(attachments)) return [];
  return attachments.flatMap((a: unknown) => {
    if (typeof a !== 'object' || a === null) return [];
    const { pretext, title, text } = a as Record<string, unknown>;
    const parts = [pretext, title, text].filter((p): p is string => typeof p === 'string' && p !== '');
    return parts.length ? [parts.join('\n')] : [];
  });
}
