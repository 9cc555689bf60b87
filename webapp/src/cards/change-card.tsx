import React from 'react';
import type { CardStepState, ChangeCard as Card } from '../../../src/core/card.ts';
import * as s from '../styles.ts';
import { type Palette, toneColour } from '../theme.ts';

const marks: Record<CardStepState, string> = { pending: '○', running: '◐', done: '✓', failed: '✗' };

/** A change being applied: its steps fill in as the bot edits the post, then the outcome. */
export function ChangeCard({ card, palette }: { card: Card; palette: Palette }) {
  const colour = toneColour(palette, card.tone);
  const stepColour: Record<CardStepState, string> = { pending: palette.muted, running: palette.info, done: palette.good, failed: palette.danger };
  return (
    <div className="matterops-card matterops-change" style={s.card(palette, colour)}>
      <h4 className="matterops-title" style={s.title}>
        {card.title}
      </h4>
      <div style={s.muted(palette)}>asked by {card.requester}</div>
      <ol className="matterops-steps" style={{ ...s.section, listStyle: 'none', padding: 0, margin: '8px 0 0' }}>
        {card.steps.map((step, i) => (
          <li key={i} className={`matterops-step matterops-step-${step.state}`} data-state={step.state} style={{ ...s.wrap, display: 'flex', gap: 8 }}>
            <span aria-hidden="true" style={{ color: stepColour[step.state], width: 14, flex: 'none', fontWeight: 700 }}>
              {marks[step.state]}
            </span>
            <span style={s.wrap}>
              <span style={{ color: step.state === 'pending' ? palette.muted : palette.text }}>{step.label}</span>
              {step.detail ? <span style={s.muted(palette)}> · {step.detail}</span> : null}
              <span className="matterops-visually-hidden" style={hidden}>
                {' '}
                ({step.state})
              </span>
            </span>
          </li>
        ))}
      </ol>
      {card.outcome ? (
        <div className="matterops-outcome" style={{ ...s.section, ...s.wrap, fontWeight: 600, color: card.outcome.ok ? palette.good : palette.danger }}>
          {card.outcome.text}
        </div>
      ) : null}
    </div>
  );
}

/** Read by screen readers, not drawn: the mark's meaning. */
const hidden: React.CSSProperties = { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' };
