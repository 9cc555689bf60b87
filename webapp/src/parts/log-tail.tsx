import React from 'react';
import type { CardLogTail } from '../../../src/core/card.ts';
import * as s from '../styles.ts';
import type { Palette } from '../theme.ts';

/**
 * The previous container's log on an incident card: which pod and container, then its last lines
 * in a monospace block (at most `maxRows`, the newest: a tail's end is what explains a crash), or
 * why there are none. Lines wrap rather than widen the post.
 */
export function LogTail({ tail, palette }: { tail: CardLogTail; palette: Palette }) {
  if (!('lines' in tail)) {
    return (
      <div className="matterops-log-tail" data-available="false" style={{ ...s.section, ...s.muted(palette) }}>
        log tail: not available ({tail.unavailable})
      </div>
    );
  }
  const shown = tail.lines.slice(-s.maxRows);
  const earlier = tail.lines.length - shown.length;
  return (
    <div className="matterops-log-tail" data-available="true" style={s.section}>
      <div style={s.muted(palette)}>
        previous log of {tail.pod}, {tail.container}
        {earlier ? ` (the last ${shown.length} lines; ${earlier} earlier in the post's text)` : ''}
        {tail.cut ? '; the newest lines were past the read limit' : ''}
      </div>
      <pre
        className="matterops-log-lines"
        style={{
          ...s.wrap,
          whiteSpace: 'pre-wrap',
          margin: '4px 0 0',
          padding: '4px 8px',
          borderRadius: 4,
          background: palette.line,
          fontFamily: 'Menlo, Consolas, "DejaVu Sans Mono", monospace',
          fontSize: 12,
          lineHeight: '16px',
        }}
      >
        {shown.join('\n')}
      </pre>
    </div>
  );
}
