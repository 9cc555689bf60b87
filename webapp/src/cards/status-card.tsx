import React from 'react';
import type { StatusCard as Card } from '../../../src/core/card.ts';
import { Pill } from '../parts/pill.tsx';
import { ReplicaBar } from '../parts/replica-bar.tsx';
import { firstRows, MoreRows } from '../parts/rows.tsx';
import * as s from '../styles.ts';
import { type Palette, toneColour } from '../theme.ts';

/** `status <name>`: state pill, replicas bar, pods, recent warnings, last backup. */
export function StatusCard({ card, palette }: { card: Card; palette: Palette }) {
  const colour = toneColour(palette, card.tone);
  return (
    <div className="matterops-card matterops-status" style={s.card(palette, colour)}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap' }}>
        <h4 className="matterops-title" style={s.title}>
          {card.installation}
        </h4>
        <Pill label={card.state} colour={colour} />
      </div>
      <div className="matterops-verdict" style={s.wrap}>
        {card.verdict}
      </div>
      <dl style={{ ...s.section, display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', gap: '2px 12px', margin: '8px 0 0' }}>
        <Term label="version" value={card.version} palette={palette} />
        <dt style={s.muted(palette)}>replicas</dt>
        <dd style={{ margin: 0 }}>
          <ReplicaBar {...card.replicas} palette={palette} />
        </dd>
        <Term label="endpoint" value={card.endpoint} palette={palette} />
        {card.lastBackup === undefined ? null : <Term label="last backup" value={card.lastBackup} palette={palette} />}
      </dl>
      <Pods card={card} palette={palette} />
      <Warnings card={card} palette={palette} />
    </div>
  );
}

function Term({ label, value, palette }: { label: string; value: string; palette: Palette }) {
  return (
    <>
      <dt style={s.muted(palette)}>{label}</dt>
      <dd className={`matterops-${label.replace(/ /g, '-')}`} style={{ ...s.wrap, margin: 0 }}>
        {value}
      </dd>
    </>
  );
}

function Pods({ card, palette }: { card: Card; palette: Palette }) {
  if (card.pods.length === 0) return <div style={{ ...s.section, ...s.muted(palette) }}>No pods.</div>;
  const heads = ['pod', 'phase', 'ready', 'restarts', 'age', 'node', 'last termination'];
  return (
    <div style={{ ...s.section, overflowX: 'auto' }}>
      <table className="matterops-pods" style={s.table(palette)}>
        <colgroup>
          <col style={{ width: '28%' }} />
          <col style={{ width: '14%' }} />
          <col style={{ width: '8%' }} />
          <col style={{ width: '12%' }} />
          <col style={{ width: '7%' }} />
          <col style={{ width: '15%' }} />
          <col style={{ width: '16%' }} />
        </colgroup>
        <thead>
          <tr>
            {heads.map((h) => (
              <th key={h} style={s.headCell(palette)}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {firstRows(card.pods).map((pod, i) => (
            <tr key={i}>
              <td style={s.cell(palette)}>{pod.name}</td>
              <td style={{ ...s.cell(palette), color: pod.ready ? palette.text : palette.danger }}>{pod.phase}</td>
              <td style={s.cell(palette)}>{pod.ready ? 'yes' : 'no'}</td>
              <td style={s.cell(palette)}>{pod.restarts}</td>
              <td style={s.cell(palette)}>{pod.age}</td>
              <td style={s.cell(palette)}>{pod.node}</td>
              <td style={s.cell(palette)}>{pod.lastTermination}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <MoreRows total={card.pods.length} palette={palette} />
    </div>
  );
}

function Warnings({ card, palette }: { card: Card; palette: Palette }) {
  if (card.warnings.length === 0) return <div style={{ ...s.section, ...s.muted(palette) }}>No recent warnings.</div>;
  return (
    <div className="matterops-warnings" style={s.section}>
      <div style={{ fontWeight: 600, color: palette.warning }}>
        {card.warnings.length} warning{card.warnings.length === 1 ? '' : 's'}
      </div>
      <ul style={{ margin: '2px 0 0', paddingLeft: 18 }}>
        {firstRows(card.warnings).map((w, i) => (
          <li key={i} style={s.wrap}>
            <span style={s.muted(palette)}>{w.age}</span> {w.object} <strong>{w.reason}</strong>: {w.message}
          </li>
        ))}
      </ul>
      <MoreRows total={card.warnings.length} palette={palette} />
    </div>
  );
}
