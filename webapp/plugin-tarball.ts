/**
 * `make plugin`: the bundle, then the tarball Mattermost installs,
 * `dist/io.matterops.companion-<version>.tar.gz`, whose top folder is the plugin id holding
 * plugin.json, its icon and the bundle at the manifest's bundle_path (../shared reference D.y: the
 * layout the 9.9 server accepted). Owners, modes and times are fixed so the same sources give the
 * same bytes. GNU tar writes the archive; zlib compresses it (without gzip's time stamp).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildBundle, bundleFile } from './build.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Manifest {
  id: string;
  version: string;
  icon_path: string;
  webapp: { bundle_path: string };
}

export interface PluginTarball {
  file: string;
  manifest: Manifest;
  bundleBytes: number;
}

/** `outDir` gets the tarball, `bundle` the bundle (webapp/dist/main.js, which the browser test loads). */
export async function buildPluginTarball(outDir = join(root, 'dist'), bundle = bundleFile): Promise<PluginTarball> {
  const manifest = JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8')) as Manifest;
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  if (manifest.version !== version) throw new Error(`plugin.json says version ${manifest.version}, package.json ${version}: make them equal`);
  const stage = mkdtempSync(join(tmpdir(), 'matterops-plugin-'));
  try {
    const top = join(stage, manifest.id);
    const built = await buildBundle(bundle);
    mkdirSync(dirname(join(top, manifest.webapp.bundle_path)), { recursive: true });
    cpSync(bundle, join(top, manifest.webapp.bundle_path));
    cpSync(join(root, 'plugin.json'), join(top, 'plugin.json'));
    mkdirSync(dirname(join(top, manifest.icon_path)), { recursive: true });
    cpSync(join(root, manifest.icon_path), join(top, manifest.icon_path));
    const tar = spawnSync(
      'tar',
      ['-c', '-f', '-', '-C', stage, '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mode=u+rwX,go+rX,go-w', '--mtime=@0', manifest.id],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString().trim() || `exit ${tar.status}`}`);
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `${manifest.id}-${version}.tar.gz`);
    writeFileSync(file, gzipSync(tar.stdout, { level: 9 }));
    return { file, manifest, bundleBytes: built.bytes };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { file, bundleBytes } = await buildPluginTarball(process.argv[2]);
  console.log(`${file} (bundle ${(bundleBytes / 1024).toFixed(1)} KiB)`);
}
