/**
 * A minimal plugin tarball for tests (issue 15): `<id>/plugin.json` and a tiny webapp bundle, as
 * ustar in gzip, the layout Mattermost accepts (reference/mattermost.md D.y). The chat tier uses the
 * real one `make plugin` builds when it exists; unit tests read manifests from these.
 */
import { gzipSync } from 'node:zlib';

function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
  );
  h.write('        ', 148); // the checksum counts itself as spaces
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  const sum = h.reduce((a, b) => a + b, 0);
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** A .tar.gz of `files` (path -> content). */
export function tarGz(files: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const body = Buffer.from(content, 'utf8');
    parts.push(header(name, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}

/** A webapp-only plugin whose bundle registers nothing: enough for the server to install and serve it. */
export function minimalPlugin(manifest: { id: string; version: string; min_server_version?: string }, bundle = 'window.registerPlugin && void 0;\n'): Buffer {
  const full = { name: 'matterops companion (test build)', min_server_version: '9.5.0', ...manifest, webapp: { bundle_path: 'webapp/dist/main.js' } };
  return tarGz({ [`${manifest.id}/plugin.json`]: JSON.stringify(full), [`${manifest.id}/webapp/dist/main.js`]: bundle });
}
