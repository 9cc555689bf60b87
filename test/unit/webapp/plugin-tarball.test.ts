/** `make plugin`'s tarball has the layout Mattermost installs (issue 15; reference D.y). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPluginTarball } from '../../../webapp/plugin-tarball.ts';
import { pluginId } from '../../../webapp/src/register.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'matterops-tarball-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const tar = (...args: string[]) => {
  const run = spawnSync('tar', args, { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return run.stdout;
};

describe('the plugin tarball', async () => {
  const built = await buildPluginTarball(join(work, 'a'), join(work, 'a-main.js'));
  const manifest = JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8')) as { id: string; version: string; webapp: { bundle_path: string } };

  it("is named after the plugin id and package.json's version", () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(basename(built.file)).toBe(`io.matterops.companion-${version}.tar.gz`);
    expect(manifest.id).toBe(pluginId);
  });

  it('holds one top folder, the plugin id, with plugin.json, the icon and the bundle at bundle_path', () => {
    const files = tar('-tzf', built.file)
      .split('\n')
      .filter((f) => f && !f.endsWith('/'));
    expect(files).toEqual([
      'io.matterops.companion/assets/icon.svg',
      'io.matterops.companion/plugin.json',
      `io.matterops.companion/${manifest.webapp.bundle_path}`,
    ]);
  });

  it("carries the repository's plugin.json unchanged and the bundle that registers the cards", () => {
    expect(tar('-xzOf', built.file, 'io.matterops.companion/plugin.json')).toBe(readFileSync(join(root, 'plugin.json'), 'utf8'));
    const bundle = tar('-xzOf', built.file, `io.matterops.companion/${manifest.webapp.bundle_path}`);
    expect(bundle).toBe(readFileSync(join(work, 'a-main.js'), 'utf8'));
    expect(bundle).toContain('"io.matterops.companion"');
  });

  it('is the same bytes when built again from the same sources', async () => {
    const again = await buildPluginTarball(join(work, 'b'), join(work, 'b-main.js'));
    expect(readFileSync(again.file).equals(readFileSync(built.file))).toBe(true);
  });
});
