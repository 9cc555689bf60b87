/**
 * `plugin install` against a server that refuses uploads (PluginSettings.EnableUploads off): the
 * chat tier's server allows them, and environment settings cannot change at run time, so this
 * answer is played by a small HTTP server speaking the way Mattermost does (501,
 * app.plugin.upload_disabled.app_error; reference/mattermost.md B.5 for the error body).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPlugin } from '../../../src/adapters/mattermost/plugin-install.ts';
import { minimalPlugin } from '../../support/make-plugin-tarball.ts';

let server: Server;
let url = '';
const uploads: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/api/v4/users/me') return json(200, { id: 'u'.repeat(26), username: 'admin', roles: 'system_user system_admin' });
    if (req.url === '/api/v4/plugins' && req.method === 'GET') return json(200, { active: [], inactive: [] });
    if (req.url === '/api/v4/plugins/statuses') return json(200, []);
    if (req.url === '/api/v4/plugins' && req.method === 'POST') {
      uploads.push(req.headers['content-type'] ?? '');
      req.resume();
      return json(501, { id: 'app.plugin.upload_disabled.app_error', message: 'Plugins and/or plugin uploads have been disabled.', status_code: 501 });
    }
    return json(404, { id: 'api.context.404.app_error', status_code: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('plugin install on a server with uploads disabled', () => {
  it('says how to allow uploads, or to use the System Console', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'plugin-install-')), 'p.tar.gz');
    writeFileSync(file, minimalPlugin({ id: 'io.matterops.companion', version: '0.1.0' }));
    const refused = installPlugin({ url, adminToken: 't'.repeat(26), file });
    await expect(refused).rejects.toThrow(`${url} does not accept plugin uploads`);
    await expect(refused).rejects.toMatchObject({ hint: expect.stringMatching(/MM_PLUGINSETTINGS_ENABLEUPLOADS=true.*System Console/) as unknown });
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toMatch(/^multipart\/form-data/);
  });
});
