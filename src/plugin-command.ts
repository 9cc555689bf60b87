/**
 * `matterops plugin install [--file F]` and `matterops plugin status`: the companion webapp plugin
 * on a Mattermost server, with a system admin's token from MM_ADMIN_TOKEN (or --admin-token), as
 * `register` takes it (docs/mattermost.md, "The companion plugin").
 */
import { parseArgs } from 'node:util';
import { companionPluginId } from './adapters/mattermost/plugin-presence.ts';
import { installPlugin, pluginStatus, requireSystemAdmin } from './adapters/mattermost/plugin-install.ts';
import { MattermostApi } from './adapters/mattermost/mattermost-api.ts';

export const pluginUsage = `usage:
  matterops plugin install [--file F] [--url U --admin-token T]
                           upload (when the server lacks this version), enable, wait until running;
                           F defaults to the tarball make plugin builds for this version
                           (the matterops image carries it)
  matterops plugin status [--url U --admin-token T]
                           installed version, enabled, running
  (--url and --admin-token default to MM_URL and MM_ADMIN_TOKEN: a system admin's token)`;

/**
 * The tarball `make plugin` builds for this version: dist/ of the checkout, whether this runs as
 * src/plugin-command.ts or as the compiled dist/plugin-command.js; in the image, /app/dist/, where
 * the Dockerfile puts the one it builds.
 */
export const defaultPluginTarball = (version: string): string => new URL(`../dist/${companionPluginId}-${version}.tar.gz`, import.meta.url).pathname;

async function showStatus(url: string, adminToken: string): Promise<number> {
  const api = new MattermostApi(url, adminToken);
  await requireSystemAdmin(api, url);
  const s = await pluginStatus(api, companionPluginId);
  console.log(s.version ? `${s.id} ${s.version}: ${s.enabled ? 'enabled' : 'disabled'}, ${s.state}` : `${s.id}: not installed`);
  return 0;
}

async function install(url: string, adminToken: string, file: string): Promise<number> {
  const { status, changes } = await installPlugin({ url, adminToken, file });
  const version = `version ${status.version ?? '?'}`;
  console.log(changes.length ? `${changes.join(', ')}; ${status.state} (${version})` : `already installed and enabled (${version})`);
  return 0;
}

export async function pluginCommand(args: string[], version: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      file: { type: 'string' },
      url: { type: 'string', default: process.env.MM_URL },
      'admin-token': { type: 'string', default: process.env.MM_ADMIN_TOKEN },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action] = positionals;
  if (values.help) return (console.log(pluginUsage), 0);
  if (action !== 'install' && action !== 'status')
    return (console.error(`${action ? `unknown plugin command "${action}"` : 'plugin needs a command'}: type install or status\n${pluginUsage}`), 2);
  const { url, 'admin-token': adminToken } = values;
  if (!url || !adminToken) return (console.error(`plugin ${action} needs --url and --admin-token (or MM_URL and MM_ADMIN_TOKEN)`), 2);
  return action === 'status' ? showStatus(url, adminToken) : install(url, adminToken, values.file ?? defaultPluginTarball(version));
}
