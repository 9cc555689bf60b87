import React from 'react';
import { maxRows, muted } from '../styles.ts';
import type { Palette } from '../theme.ts';

/** The first `maxRows` of a list, and a line saying how many more the post holds. */
export function firstRows<T>(items: readonly T[]): T[] {
  return items.slice(0, maxRows);
}

export function MoreRows({ total, palette }: { total: number; palette: Palette }) {
  if (total <= maxRows) return null;
  return (
    <div className="matterops-more" style={muted(palette)}>
      and {total - maxRows} more (the full list is in the post's text)
    </div>
  );
}
