/** The manifest inside a plugin tarball, read without unpacking it (plugin install compares its version with the server's). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPluginManifest } from '../../../src/adapters/mattermost/plugin-tarball.ts';
import { minimalPlugin, tarGz } from '../../support/make-plugin-tarball.ts';

const dir = mkdtempSync(join(tmpdir(), 'plugin-tarball-'));
const file = (name: string, bytes: Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

describe('a plugin tarball', () => {
  it('names its id and version from <id>/plugin.json, whatever comes before it', async () => {
    const bytes = tarGz({
      'io.matterops.companion/README': 'x'.repeat(700),
      'io.matterops.companion/plugin.json': JSON.stringify({ id: 'io.matterops.companion', version: '0.1.0' }),
    });
    expect(await readPluginManifest(file('a.tar.gz', bytes))).toEqual({ id: 'io.matterops.companion', version: '0.1.0' });
    expect(await readPluginManifest(file('b.tar.gz', minimalPlugin({ id: 'io.matterops.companion', version: '0.2.0' })))).toEqual({
      id: 'io.matterops.companion',
      version: '0.2.0',
    });
  });

  it('without a manifest, not gzipped, or missing, is refused in one line saying what to pass', async () => {
    await expect(readPluginManifest(file('c.tar.gz', tarGz({ 'x/main.js': '' })))).rejects.toThrow(/holds no <plugin id>\/plugin.json/);
    await expect(readPluginManifest(file('d.tar.gz', Buffer.from('plain')))).rejects.toThrow(/is not a gzipped tarball/);
    await expect(readPluginManifest(join(dir, 'none.tar.gz'))).rejects.toThrow(/cannot read the plugin tarball/);
  });
});
