import React from 'react';
import { wrap } from '../styles.ts';

/** A short coloured label: an installation's state, a digest's health, a step's state. */
export function Pill({ label, colour }: { label: string; colour: string }) {
  return (
    <span
      className="matterops-pill"
      style={{
        ...wrap,
        display: 'inline-block',
        padding: '0 8px',
        borderRadius: 10,
        border: `1px solid ${colour}`,
        color: colour,
        fontSize: 12,
        fontWeight: 600,
        lineHeight: '18px',
      }}
    >
      {label}
    </span>
  );
}
