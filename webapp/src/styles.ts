/**
 * Inline styles only (the plugin ships no CSS that could leak into the web app); class names carry
 * the `matterops-` prefix for tests and for admins' custom CSS. Every text may be very long (names
 * of 250 characters, scheduler messages): it wraps anywhere rather than widening the post.
 */
import type { CSSProperties } from 'react';
import type { Palette } from './theme.ts';

export const wrap: CSSProperties = { overflowWrap: 'anywhere', wordBreak: 'break-word', whiteSpace: 'normal', minWidth: 0 };

export const card = (p: Palette, accent: string): CSSProperties => ({
  ...wrap,
  boxSizing: 'border-box',
  maxWidth: '100%',
  margin: '4px 0',
  padding: '10px 12px',
  border: `1px solid ${p.line}`,
  borderLeft: `4px solid ${accent}`,
  borderRadius: 4,
  background: p.background,
  color: p.text,
  fontSize: 14,
  lineHeight: '20px',
});

export const title: CSSProperties = { ...wrap, margin: 0, fontSize: 15, fontWeight: 600, lineHeight: '22px' };

export const muted = (p: Palette): CSSProperties => ({ ...wrap, color: p.muted, fontSize: 13 });

export const section: CSSProperties = { marginTop: 8 };

export const table = (p: Palette): CSSProperties => ({ width: '100%', borderCollapse: 'collapse', tableLayout: 'fixed', fontSize: 13, color: p.text });

export const cell = (p: Palette): CSSProperties => ({
  ...wrap,
  padding: '2px 6px 2px 0',
  borderBottom: `1px solid ${p.line}`,
  textAlign: 'left',
  verticalAlign: 'top',
});

/** Column names break only between words (`last termination`), never inside one (`restarts`). */
export const headCell = (p: Palette): CSSProperties => ({ ...cell(p), overflowWrap: 'normal', wordBreak: 'normal', color: p.muted, fontWeight: 600 });

/** A list or table longer than this shows its first rows and says how many more the post holds. */
export const maxRows = 50;
