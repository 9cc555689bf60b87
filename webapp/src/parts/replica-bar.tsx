import React from 'react';
import type { Palette } from '../theme.ts';

/**
 * Desired replicas as a bar: ready ones filled, updated ones marked below, so "2 of 3 ready, 1
 * updated" reads at a glance during a rollout; the numbers are written out beside it too.
 */
export function ReplicaBar({ desired, ready, updated, palette }: { desired: number; ready: number; updated: number; palette: Palette }) {
  const share = (n: number) => (desired > 0 ? `${Math.min(100, Math.round((n / desired) * 1000) / 10)}%` : '0%');
  const readyColour = ready >= desired && desired > 0 ? palette.good : palette.warning;
  return (
    <div className="matterops-replicas" style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap' }}>
      <div
        role="img"
        aria-label={`${ready} of ${desired} ready, ${updated} updated`}
        style={{ position: 'relative', width: 160, maxWidth: '100%', height: 10, borderRadius: 5, background: palette.line, overflow: 'hidden' }}
      >
        <div className="matterops-replicas-ready" style={{ position: 'absolute', left: 0, top: 0, bottom: 3, width: share(ready), background: readyColour }} />
        <div
          className="matterops-replicas-updated"
          style={{ position: 'absolute', left: 0, bottom: 0, height: 3, width: share(updated), background: palette.info }}
        />
      </div>
      <span>
        {desired} desired, {ready} ready, {updated} updated
      </span>
    </div>
  );
}
