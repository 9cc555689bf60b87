/**
 * The built bundle itself (webapp/dist/main.js as `make plugin` builds it), loaded the way the web
 * app loads it: a script whose React and ReactDOM are the host's `window.React`/`window.ReactDOM`,
 * calling `window.registerPlugin`. Here the host is Node with React 18 (the web app's major);
 * test/browser/ does the same in Chromium.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import React, { type ComponentType } from 'react';
import * as ReactDOM from 'react-dom';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../../webapp/build.ts';
import type { Plugin, PostTypeProps } from '../../../webapp/src/host.ts';
import { authorProfiles, malformed, valid } from './fixtures.ts';

const work = mkdtempSync(join(tmpdir(), 'matterops-bundle-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the bundle', async () => {
  const built = await buildBundle(join(work, 'main.js'));
  const code = readFileSync(built.file, 'utf8');

  const calls: { id: string; types: Map<string, ComponentType<PostTypeProps>> }[] = [];
  const window = {
    React,
    ReactDOM,
    registerPlugin(id: string, plugin: Plugin) {
      const types = new Map<string, ComponentType<PostTypeProps>>();
      const store = { getState: () => ({ entities: { users: { profiles: authorProfiles } } }), subscribe: () => () => undefined };
      plugin.initialize({ registerPostTypeComponent: (type, component) => (types.set(type, component), type) }, store);
      calls.push({ id, types });
    },
  };
  runInNewContext(code, { window, document: {}, fetch });

  it('stays small: zod/mini and the cards, no React of its own (40.3 KiB when measured)', () => {
    expect(built.bytes).toBeLessThan(64 * 1024);
    expect(code).not.toContain('__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED');
  });

  it('registers the plugin once, with its four post types', () => {
    expect(calls.map((c) => c.id)).toEqual(['io.matterops.companion']);
    expect([...calls[0]!.types.keys()]).toEqual(['custom_matterops_status', 'custom_matterops_change', 'custom_matterops_incident', 'custom_matterops_digest']);
  });

  it("renders every fixture with the host's React: valid ones as cards, malformed ones as plain text", () => {
    const render = (post: (typeof valid)[number]['post']) => {
      const Component = calls[0]!.types.get(post.type)!;
      return renderToStaticMarkup(React.createElement(Component, { post }));
    };
    for (const f of valid) expect(render(f.post), f.name).toContain('matterops-card');
    for (const f of malformed) expect(render(f.post), f.name).toContain('matterops-plain');
  });
});
