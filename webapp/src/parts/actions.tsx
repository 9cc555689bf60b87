import React, { useState } from 'react';
import { doPostAction, type PostAction } from '../post-action.ts';
import { wrap } from '../styles.ts';
import type { Palette } from '../theme.ts';

/**
 * The post's attachment buttons (an incident's Undo, a plan's Confirm): the web app does not draw
 * a custom post type's attachments (MessageWithAdditionalContent skips them for plugin types), so
 * the card draws them and calls the same action endpoint (post-action.ts).
 */
export function Actions({ postId, actions, palette }: { postId: string | undefined; actions: PostAction[]; palette: Palette }) {
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  if (actions.length === 0) return null;
  const click = async (action: PostAction) => {
    if (!postId) return setError(`${action.name} failed: the post has no id yet`);
    setBusy(action.id);
    setError(await doPostAction(postId, action));
    setBusy(undefined);
  };
  return (
    <div className="matterops-actions" style={{ marginTop: 8, display: 'flex', flexWrap: 'wrap', gap: 8 }}>
      {actions.map((action) => (
        <button
          key={action.id}
          type="button"
          className="matterops-action"
          data-action-id={action.id}
          disabled={busy !== undefined}
          onClick={() => void click(action)}
          style={{
            ...wrap,
            ...buttonColours(palette, action.style),
            maxWidth: '100%',
            padding: '4px 12px',
            borderRadius: 4,
            fontSize: 13,
            fontWeight: 600,
            cursor: 'pointer',
          }}
        >
          {action.name}
        </button>
      ))}
      {error ? (
        <div role="alert" style={{ ...wrap, width: '100%', color: palette.danger, fontSize: 13 }}>
          {error}
        </div>
      ) : null}
    </div>
  );
}

function buttonColours(p: Palette, style: string | undefined): React.CSSProperties {
  if (style === 'danger') return { background: p.danger, color: '#ffffff', border: `1px solid ${p.danger}` };
  if (style === 'primary') return { background: p.buttonBg, color: p.buttonText, border: `1px solid ${p.buttonBg}` };
  return { background: 'transparent', color: p.buttonBg, border: `1px solid ${p.buttonBg}` };
}
