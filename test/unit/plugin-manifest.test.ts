/** The companion webapp plugin's manifest (docs/adr/0001) stays loadable by Mattermost. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const root = join(import.meta.dirname, '..', '..');
const semver = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

const ManifestSchema = z
  .object({
    // Mattermost plugin ids: letters, digits, '.', '-', '_', 3 to 190 characters.
    id: z.string().regex(/^[a-zA-Z0-9._-]{3,190}$/),
    name: z.string().min(1),
    description: z.string().min(1),
    version: z.string().regex(semver),
    min_server_version: z.string().regex(semver),
    icon_path: z.string().min(1),
    webapp: z.object({ bundle_path: z.string().min(1) }),
  })
  .loose();

describe('plugin.json', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8')) as Record<string, unknown>;

  it('has the fields Mattermost requires, with semver versions', () => {
    const result = ManifestSchema.safeParse(manifest);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('is webapp-only: matterops logic lives in the external bot', () => {
    expect(manifest.server).toBeUndefined();
  });

  it('points at an icon that exists and is an SVG', () => {
    const icon = join(root, String(manifest.icon_path));
    expect(existsSync(icon)).toBe(true);
    expect(readFileSync(icon, 'utf8')).toMatch(/^<svg[\s>]/);
  });

  it('carries the same version as package.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(manifest.version).toBe(pkg.version);
  });
});
