import React from 'react';
import type { IncidentCard as Card } from '../../../src/core/card.ts';
import { LogTail } from '../parts/log-tail.tsx';
import { formatClock } from '../elapsed.ts';
import { Pill } from '../parts/pill.tsx';
import { firstRows, MoreRows } from '../parts/rows.tsx';
import { Since } from '../parts/since.tsx';
import * as s from '../styles.ts';
import type { Palette } from '../theme.ts';

/** One incident's root: severity colour, how long it has been open, evidence, the previous container's log, the change note, the thread's timeline. */
export function IncidentCard({ card, palette }: { card: Card; palette: Palette }) {
  const resolved = card.resolvedAt !== undefined;
  const colour = resolved ? palette.good : card.severity === 'critical' ? palette.danger : palette.warning;
  return (
    <div className="matterops-card matterops-incident" data-severity={card.severity} data-resolved={String(resolved)} style={s.card(palette, colour)}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap' }}>
        <Pill label={resolved ? 'resolved' : card.severity} colour={colour} />
        <h4 className="matterops-title" style={{ ...s.title, textDecoration: resolved ? 'line-through' : 'none' }}>
          {card.headline}
        </h4>
      </div>
      <div style={s.muted(palette)}>
        {card.installation ? `${card.installation} · ` : ''}
        <Since since={card.since} resolvedAt={card.resolvedAt} /> · began {formatClock(card.since)}
      </div>
      {card.evidence.length ? (
        <dl className="matterops-evidence" style={{ display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', gap: '2px 12px', margin: '8px 0 0' }}>
          {firstRows(card.evidence).map((e, i) => (
            <React.Fragment key={i}>
              <dt style={s.muted(palette)}>{e.label}</dt>
              <dd style={{ ...s.wrap, margin: 0 }}>{e.value}</dd>
            </React.Fragment>
          ))}
        </dl>
      ) : null}
      {card.logTail ? <LogTail tail={card.logTail} palette={palette} /> : null}
      {card.change ? (
        <div className="matterops-change-note" style={{ ...s.section, ...s.wrap, padding: '4px 8px', borderRadius: 4, background: palette.line }}>
          {card.change}
        </div>
      ) : null}
      {card.timeline.length ? (
        <ol className="matterops-timeline" style={{ ...s.section, listStyle: 'none', padding: 0, margin: '8px 0 0' }}>
          {firstRows(card.timeline).map((t, i) => (
            <li key={i} style={{ ...s.wrap, display: 'flex', gap: 8 }}>
              <span style={{ ...s.muted(palette), flex: 'none' }}>{formatClock(t.at)}</span>
              <span style={s.wrap}>{t.text}</span>
            </li>
          ))}
        </ol>
      ) : null}
      <MoreRows total={card.timeline.length} palette={palette} />
    </div>
  );
}
