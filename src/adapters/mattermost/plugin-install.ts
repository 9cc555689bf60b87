/**
 * `matterops plugin install` and `plugin status` (issue 15, docs/mattermost.md "The companion
 * plugin"): an admin operation from a terminal with a system admin's token, as `register` is. Install
 * uploads the tarball only when the server lacks that version (`force` only to replace another
 * version), enables the plugin, and waits until the server says it runs, so running it twice changes
 * nothing the second time. A server that refuses uploads gets a message saying how to allow them.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { MatteropsError } from '../../core/errors.ts';
import { systemClock, type Clock } from '../../core/ports/clock.ts';
import { MattermostApi, MattermostApiError } from './mattermost-api.ts';
import { readPluginManifest, type PluginManifest } from './plugin-tarball.ts';

/** `state` in GET /plugins/statuses (Mattermost's model.PluginState*). */
const pluginStates: Record<number, string> = {
  0: 'not running',
  1: 'starting',
  2: 'running',
  3: 'failed to start',
  4: 'failed to stay running',
  5: 'stopping',
};
const running = 2;

export interface PluginStatus {
  id: string;
  /** The version the server has, if it has the plugin at all. */
  version: string | undefined;
  enabled: boolean;
  /** `running`, `not running`, `failed to start`..., or `not installed`. */
  state: string;
}

interface Manifests {
  active: PluginManifest[] | null;
  inactive: PluginManifest[] | null;
}

/** What the server says of plugin `id`: installed (which version), enabled, running. */
export async function pluginStatus(api: MattermostApi, id: string): Promise<PluginStatus> {
  const [manifests, statuses] = await Promise.all([
    api.call<Manifests>('GET', '/plugins'),
    api.call<{ plugin_id: string; state: number; version: string }[] | null>('GET', '/plugins/statuses'),
  ]);
  const active = (manifests.active ?? []).find((m) => m.id === id);
  const installed = active ?? (manifests.inactive ?? []).find((m) => m.id === id);
  const status = (statuses ?? []).find((s) => s.plugin_id === id);
  return {
    id,
    version: installed?.version,
    enabled: Boolean(active),
    state: !installed ? 'not installed' : status ? (pluginStates[status.state] ?? `state ${status.state}`) : 'not running',
  };
}

/** Uploads refused by the server's settings: what to change, or the way around it. */
const uploadsDisabled = (url: string): MatteropsError =>
  new MatteropsError(
    'unavailable',
    `${url} does not accept plugin uploads`,
    'allow them with PluginSettings.EnableUploads (environment MM_PLUGINSETTINGS_ENABLEUPLOADS=true, and PluginSettings.Enable / MM_PLUGINSETTINGS_ENABLE=true; a restart is needed) and run this again, or upload the tarball in the System Console under Plugins > Plugin Management',
  );

async function upload(api: MattermostApi, file: string, force: boolean): Promise<void> {
  const form = new FormData();
  form.append('plugin', new Blob([await readFile(file)], { type: 'application/gzip' }), basename(file));
  if (force) form.append('force', 'true');
  await api.upload('/plugins', form).catch((error: unknown) => {
    // 501 with app.plugin.upload_disabled.app_error (uploads off) or app.plugin.disabled.app_error (plugins off).
    if (error instanceof MattermostApiError && (error.status === 501 || /upload_disabled|plugin\.disabled/.test(error.message))) throw uploadsDisabled(api.url);
    throw error;
  });
}

async function waitRunning(api: MattermostApi, id: string, clock: Clock, timeoutMs: number): Promise<PluginStatus> {
  const until = clock.now().getTime() + timeoutMs;
  for (;;) {
    const status = await pluginStatus(api, id);
    if (status.state === pluginStates[running]) return status;
    if (clock.now().getTime() >= until)
      throw new MatteropsError(
        'unavailable',
        `the plugin ${id} was enabled but is ${status.state} after ${timeoutMs / 1000} s`,
        'look at the server log and the System Console under Plugins',
      );
    await clock.sleep(500);
  }
}

export interface PluginInstallOptions {
  url: string;
  adminToken: string;
  file: string;
  clock?: Clock;
  timeoutMs?: number;
}

export interface PluginInstall {
  status: PluginStatus;
  changes: string[];
}

/** Makes the server run the tarball's version of the plugin, enabled; changes nothing when it already does. */
export async function installPlugin(o: PluginInstallOptions): Promise<PluginInstall> {
  const manifest = await readPluginManifest(o.file);
  const api = new MattermostApi(o.url, o.adminToken);
  await requireSystemAdmin(api, o.url);
  const before = await pluginStatus(api, manifest.id);
  const changes: string[] = [];
  if (before.version !== manifest.version) {
    await upload(api, o.file, before.version !== undefined);
    changes.push(before.version === undefined ? `uploaded version ${manifest.version}` : `replaced version ${before.version} with ${manifest.version}`);
  }
  if (!before.enabled || changes.length || before.state !== pluginStates[running]) {
    await api.call('POST', `/plugins/${encodeURIComponent(manifest.id)}/enable`);
    if (!before.enabled) changes.push('enabled it');
  }
  return { status: await waitRunning(api, manifest.id, o.clock ?? systemClock, o.timeoutMs ?? 30_000), changes };
}

/** A token without the role gets 403s on every plugin call: say so first, in one line (as register does). */
export async function requireSystemAdmin(api: MattermostApi, url: string): Promise<void> {
  const me = await api.me().catch((error: unknown) => {
    throw new MatteropsError(
      'unavailable',
      `cannot use Mattermost at ${url} with that admin token: ${(error as Error).message}`,
      "check --url and MM_ADMIN_TOKEN (a system admin's personal access token)",
    );
  });
  if (!me.roles?.split(' ').includes('system_admin'))
    throw new MatteropsError(
      'forbidden',
      `the admin token belongs to ${me.username}, who is not a system admin of ${url}: pass a system admin's personal access token as --admin-token (or MM_ADMIN_TOKEN)`,
    );
}
