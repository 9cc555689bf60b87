/**
 * The manifest inside a plugin tarball (`<id>/plugin.json` in a .tar.gz, as Mattermost wants it:
 * reference/mattermost.md D.y), read without unpacking: `plugin install` compares its id and
 * version with what the server has, so a second run uploads nothing.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { MatteropsError } from '../../core/errors.ts';

export interface PluginManifest {
  id: string;
  version: string;
}

const block = 512;

/** The entries of a ustar archive: name and content, in order (a pax or GNU long name is not needed here). */
function* entries(tar: Buffer): Generator<{ name: string; content: Buffer }> {
  for (let at = 0; at + block <= tar.length; ) {
    const header = tar.subarray(at, at + block);
    if (header.every((b) => b === 0)) return;
    const field = (from: number, length: number): string =>
      header
        .subarray(from, from + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    yield { name, content: tar.subarray(at + block, at + block + size) };
    at += block + Math.ceil(size / block) * block;
  }
}

/** The tarball's `<top folder>/plugin.json`; a tarball without one is refused in one line. */
export async function readPluginManifest(file: string): Promise<PluginManifest> {
  const bytes = await readFile(file).catch((error: unknown) => {
    throw new MatteropsError('not_found', `cannot read the plugin tarball ${file}: ${(error as Error).message}`, 'build it with make plugin, or pass --file');
  });
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes);
  } catch {
    throw new MatteropsError('invalid', `${file} is not a gzipped tarball`, 'pass the .tar.gz make plugin builds');
  }
  for (const e of entries(tar)) {
    if (/^(\.\/)?[^/]+\/plugin\.json$/.test(e.name)) {
      const manifest = JSON.parse(e.content.toString('utf8')) as Partial<PluginManifest>;
      if (typeof manifest.id === 'string' && typeof manifest.version === 'string') return { id: manifest.id, version: manifest.version };
    }
  }
  throw new MatteropsError('invalid', `${file} holds no <plugin id>/plugin.json with an id and a version`, 'pass the .tar.gz make plugin builds');
}
