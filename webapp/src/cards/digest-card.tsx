import React from 'react';
import type { CardHealth, DigestCard as Card } from '../../../src/core/card.ts';
import { Pill } from '../parts/pill.tsx';
import { firstRows, MoreRows } from '../parts/rows.tsx';
import * as s from '../styles.ts';
import { fade, healthColour, type Palette } from '../theme.ts';

const rank: Record<CardHealth, number> = { RED: 0, WATCH: 1, GREEN: 2 };

/** Installations worst first; within one colour the bot's order (it sorts by name or age) stays. */
export function worstFirst(rows: Card['rows']): Card['rows'] {
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => rank[a.row.health] - rank[b.row.health] || a.i - b.i)
    .map(({ row }) => row);
}

/** A status digest: the GREEN/WATCH/RED header, then one row per installation, worst first. */
export function DigestCard({ card, palette }: { card: Card; palette: Palette }) {
  const colour = healthColour(palette, card.header);
  const rows = worstFirst(card.rows);
  return (
    <div className="matterops-card matterops-digest" data-header={card.header} style={s.card(palette, colour)}>
      <div
        className="matterops-digest-header"
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 8,
          flexWrap: 'wrap',
          margin: '-10px -12px 8px',
          padding: '8px 12px',
          background: fade(colour, 0.16),
          color: palette.text,
        }}
      >
        <strong style={{ fontSize: 16, letterSpacing: 1, color: colour }}>{card.header}</strong>
        <span style={{ ...s.wrap, fontWeight: 600 }}>{card.title}</span>
        <span style={s.muted(palette)}>{card.counts}</span>
      </div>
      {card.note ? <div style={s.muted(palette)}>{card.note}</div> : null}
      <ul className="matterops-digest-rows" style={{ listStyle: 'none', padding: 0, margin: '4px 0 0' }}>
        {firstRows(rows).map((row, i) => (
          <li
            key={i}
            className="matterops-digest-row"
            data-health={row.health}
            style={{ ...s.wrap, display: 'flex', gap: 8, alignItems: 'baseline', padding: '3px 0', borderBottom: `1px solid ${palette.line}` }}
          >
            <Pill label={row.health} colour={healthColour(palette, row.health)} />
            <span style={{ ...s.wrap, flex: 1 }}>
              <strong>{row.installation}</strong> {row.verdict}
              <span style={s.muted(palette)}>
                {' '}
                · {row.version} · {row.ready} ready
              </span>
              {row.incidents.length ? (
                <span style={{ ...s.wrap, display: 'block', color: palette.danger, fontSize: 13 }}>{row.incidents.join('; ')}</span>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      <MoreRows total={rows.length} palette={palette} />
    </div>
  );
}
