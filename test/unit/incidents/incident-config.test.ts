/** The incident settings from the environment: delays as durations, defaults kept for the rest, mistakes reported. */
import { describe, expect, it } from 'vitest';
import { incidentThresholds } from '../../../src/config/incident-thresholds.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { defaultThresholds } from '../../../src/core/incidents/thresholds.ts';

describe('incident settings', () => {
  it('defaults: on, every namespace, the issue table delays', () => {
    const config = loadConfig({});
    expect(config.incidents).toEqual({ enabled: true, logTail: true });
    expect(incidentThresholds(config.incidents)).toEqual(defaultThresholds);
  });

  it('each variable lands where docs/incidents.md says', () => {
    const config = loadConfig({
      MATTEROPS_INCIDENTS: 'off',
      MATTEROPS_INCIDENTS_CHANNEL: 'sga4u9459ff3xkqfjaqr3zt1oa',
      MATTEROPS_INCIDENTS_NAMESPACES: 'chat, staging',
      MATTEROPS_INCIDENT_CRASH_LOOP_RESTARTS: '3',
      MATTEROPS_INCIDENT_HOLD_DOWN: '5s',
      MATTEROPS_INCIDENT_IMAGE_PULL: '1m30s',
      MATTEROPS_INCIDENT_COOL_DOWN: '1h',
      MATTEROPS_INCIDENT_BACKUP_TOO_OLD: '2d',
      MATTEROPS_INCIDENT_CHANGE_WINDOW: '10m',
      MATTEROPS_INCIDENT_STORM_COUNT: '20',
      MATTEROPS_INCIDENT_STORM_WINDOW: '10m',
      MATTEROPS_INCIDENT_BASELINE_GAP: '3h',
      MATTEROPS_INCIDENT_LOG_TAIL: 'off',
    });
    expect(config.incidents).toMatchObject({ enabled: false, logTail: false, channel: 'sga4u9459ff3xkqfjaqr3zt1oa', namespaces: ['chat', 'staging'] });
    expect(incidentThresholds(config.incidents)).toEqual({
      ...defaultThresholds,
      crashLoopRestarts: 3,
      holdDownMs: 5_000,
      imagePullMs: 90_000,
      coolDownMs: 3_600_000,
      backupTooOldMs: 2 * 86_400_000,
      changeWindowMs: 600_000,
      stormCount: 20,
      stormWindowMs: 600_000,
      baselineGapMs: 3 * 3_600_000,
    });
  });

  it('a delay that is no duration stops the start with its variable named', () => {
    expect(() => loadConfig({ MATTEROPS_INCIDENT_NOT_READY: 'soon' })).toThrow(/incidents\.notReady.*30s, 5m or 1h30m/s);
  });

  it('a baseline gap under a minute, or a storm window under a second, is refused with its setting named', () => {
    expect(() => incidentThresholds(loadConfig({ MATTEROPS_INCIDENT_BASELINE_GAP: '30s' }).incidents)).toThrow(/incidents\.baselineGap/);
    expect(() => incidentThresholds(loadConfig({ MATTEROPS_INCIDENT_STORM_WINDOW: '0s' }).incidents)).toThrow(/incidents\.stormWindow/);
  });
});
