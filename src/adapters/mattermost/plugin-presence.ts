/**
 * Whether the companion webapp plugin is active on the server (issue 15, docs/mattermost.md): the
 * bot posts cards as the plugin's custom post types only then, and plain posts otherwise. It asks
 * `GET /api/v4/plugins/webapp` (the list of active webapp plugins the web app loads, which the
 * bot's own token may read) at start and every `intervalMs` after. A check that fails keeps the
 * last known state (at start: plain posts) and is logged once until a check succeeds again, so a
 * Mattermost outage neither flips the posts nor floods the log.
 */
import type { Clock, Timer } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';

/** The plugin's id, as plugin.json names it. */
export const companionPluginId = 'io.matterops.companion';

/** Five minutes: a plugin enabled or disabled is noticed within that (MATTEROPS_PLUGIN_CHECK_SECONDS). */
export const defaultPluginCheckMs = 5 * 60_000;

export interface PluginPresenceOptions {
  /** The ids of the active webapp plugins (mattermost-api.ts `webappPlugins`). */
  activeWebappPlugins: () => Promise<string[]>;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
  pluginId?: string;
}

export interface PluginPresence {
  /** What the last check that answered said (false before any did). */
  active(): boolean;
  /** Checks now; resolves with the state it leaves. */
  check(): Promise<boolean>;
  /** Checks now, then every interval, until `stop`. */
  start(): Promise<boolean>;
  stop(): void;
}

export function createPluginPresence(o: PluginPresenceOptions): PluginPresence {
  const id = o.pluginId ?? companionPluginId;
  let active = false;
  let failing = false;
  let timer: Timer | undefined;

  const check = async (): Promise<boolean> => {
    try {
      const now = (await o.activeWebappPlugins()).includes(id);
      if (now !== active || failing)
        o.logger.info(
          { plugin: id, active: now },
          now ? 'the companion plugin is active: posting cards' : 'the companion plugin is not active: posting plain posts',
        );
      active = now;
      failing = false;
    } catch (error) {
      if (!failing)
        o.logger.warn(
          { plugin: id, err: (error as Error).message, active },
          'could not ask Mattermost whether the companion plugin is active; keeping the last known state',
        );
      failing = true;
    }
    return active;
  };

  return {
    active: () => active,
    check,
    async start() {
      timer?.cancel();
      timer = o.clock.every(o.intervalMs ?? defaultPluginCheckMs, () => void check(), { background: true });
      return check();
    },
    stop() {
      timer?.cancel();
      timer = undefined;
    },
  };
}
