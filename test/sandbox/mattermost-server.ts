/**
 * The real Mattermost server 9.9.0 with the verified settings of
 * ../shared/reference/real-peers.md (section 5): API only, no outside lookups, local mode for mmctl.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mattermostHome } from './paths.ts';
import { startProcess, type StartedProcess } from './processes.ts';
import { httpOk, waitFor } from './wait.ts';

export interface MattermostServerOptions {
  dir: string;
  port: number;
  dataSource: string;
  /** Extra MM_* settings, e.g. a low rate limit for a test. */
  settings?: Record<string, string>;
}

export function mattermostEnv(options: MattermostServerOptions): Record<string, string> {
  const url = `http://127.0.0.1:${options.port}`;
  return {
    MM_SQLSETTINGS_DRIVERNAME: 'postgres',
    MM_SQLSETTINGS_DATASOURCE: options.dataSource,
    MM_SERVICESETTINGS_LISTENADDRESS: `127.0.0.1:${options.port}`,
    MM_SERVICESETTINGS_SITEURL: url,
    MM_SERVICESETTINGS_ENABLEBOTACCOUNTCREATION: 'true',
    MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS: 'true',
    MM_SERVICESETTINGS_ENABLECOMMANDS: 'true',
    MM_SERVICESETTINGS_ENABLEPOSTUSERNAMEOVERRIDE: 'true',
    MM_SERVICESETTINGS_ENABLEPOSTICONOVERRIDE: 'true',
    MM_SERVICESETTINGS_ALLOWEDUNTRUSTEDINTERNALCONNECTIONS: '127.0.0.1 localhost',
    MM_SERVICESETTINGS_ENABLELOCALMODE: 'true',
    MM_SERVICESETTINGS_LOCALMODESOCKETLOCATION: join(options.dir, 'mm.sock'),
    MM_SERVICESETTINGS_ENABLESECURITYFIXALERT: 'false',
    MM_FILESETTINGS_DIRECTORY: join(options.dir, 'data'),
    MM_TEAMSETTINGS_ENABLEOPENSERVER: 'true',
    // The companion webapp plugin (issue 15) is uploaded through the REST API by `matterops plugin
    // install` in the chat tier; environment settings cannot be changed at run time (reference D.y).
    MM_PLUGINSETTINGS_ENABLE: 'true',
    MM_PLUGINSETTINGS_ENABLEUPLOADS: 'true',
    MM_PLUGINSETTINGS_ENABLEMARKETPLACE: 'false',
    MM_PLUGINSETTINGS_ENABLEREMOTEMARKETPLACE: 'false',
    MM_LOGSETTINGS_ENABLECONSOLE: 'true',
    MM_LOGSETTINGS_CONSOLELEVEL: 'WARN',
    MM_LOGSETTINGS_ENABLEFILE: 'false',
    MM_LOGSETTINGS_ENABLEDIAGNOSTICS: 'false',
    MM_ANNOUNCEMENTSETTINGS_ADMINNOTICESENABLED: 'false',
    MM_ANNOUNCEMENTSETTINGS_USERNOTICESENABLED: 'false',
    MM_EMAILSETTINGS_SENDEMAILNOTIFICATIONS: 'false',
    ...options.settings,
  };
}

/** Lays out the server's working directory: its own config and data, shared read-only assets. */
function layOutWorkingDir(dir: string): void {
  for (const d of ['config', 'data', 'plugins', 'client/plugins', 'logs']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'config', 'config.json'), '{}');
  for (const d of ['i18n', 'templates', 'fonts']) if (!existsSync(join(dir, d))) symlinkSync(join(mattermostHome, d), join(dir, d));
}

export function startMattermost(options: MattermostServerOptions, logDir: string): StartedProcess {
  layOutWorkingDir(options.dir);
  return startProcess('mattermost', join(mattermostHome, 'bin', 'mattermost'), {
    log: join(logDir, 'mattermost.log'),
    cwd: options.dir,
    args: ['--config', join(options.dir, 'config', 'config.json')],
    env: mattermostEnv(options),
  });
}

export async function waitMattermostReady(port: number, log: string): Promise<void> {
  await waitFor(() => httpOk(`http://127.0.0.1:${port}/api/v4/system/ping`), { what: 'Mattermost /api/v4/system/ping', timeoutMs: 60_000, log });
}
