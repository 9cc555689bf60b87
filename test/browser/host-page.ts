/**
 * A page that hosts the companion bundle as the Mattermost web app does (reference D.y: the
 * server built from the Go module has no web app): React 18 and ReactDOM as `window.React` and
 * `window.ReactDOM` (the packages' UMD builds; the web app is on React 18), a `registerPlugin` that
 * records what the plugin registers and hands it a store like the web app's Redux store (the
 * authors' profiles at `entities.users.profiles`: the bot, a user, another bot), and `renderPost`, which renders a post through the registered
 * component in a 600 px column like the centre channel. Served on 127.0.0.1 only.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { authorProfiles } from '../unit/webapp/fixtures.ts';

const require = createRequire(import.meta.url);
/** A file of an installed package that its `exports` do not list (the UMD builds). */
const packageFile = (name: string, file: string) => readFileSync(join(dirname(require.resolve(`${name}/package.json`)), file), 'utf8');

const hostScript = `
var hostState = { entities: { users: { profiles: ${JSON.stringify(authorProfiles)} } } };
var hostStore = { getState: function () { return hostState; }, subscribe: function () { return function () {}; } };
window.pluginIds = [];
window.postTypes = {};
window.registerPlugin = function (id, plugin) {
  window.pluginIds.push(id);
  plugin.initialize({ registerPostTypeComponent: function (type, component) { window.postTypes[type] = component; return type; } }, hostStore);
};
window.roots = {};
/** Renders a post, or renders it again under the same name as the web app does after an edit. */
window.renderPost = function (name, post, theme) {
  var root = window.roots[name];
  if (!root) {
    var box = document.createElement('div');
    box.className = 'post';
    box.setAttribute('data-fixture', name);
    box.style.background = (theme && theme.centerChannelBg) || '#ffffff';
    document.getElementById('posts').appendChild(box);
    root = window.roots[name] = ReactDOM.createRoot(box);
  }
  var Component = window.postTypes[post.type];
  ReactDOM.flushSync(function () { root.render(React.createElement(Component, { post: post, theme: theme })); });
};
`;

const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>matterops companion host</title>
<style>
  body { margin: 0; padding: 16px; font: 14px/20px "Open Sans", "Helvetica Neue", Arial, sans-serif; background: #f4f4f6; }
  #posts { width: 600px; }
  .post { padding: 8px 12px; margin-bottom: 12px; }
</style></head>
<body><div id="posts"></div>
<script src="/react.js"></script><script src="/react-dom.js"></script><script src="/host.js"></script><script src="/main.js"></script>
</body></html>`;

export interface HostPage {
  url: string;
  close(): Promise<void>;
}

/** Serves the page with the bundle at `bundleFile`. */
export async function startHostPage(bundleFile: string): Promise<HostPage> {
  const files: Record<string, [string, string]> = {
    '/': ['text/html', page],
    '/react.js': ['text/javascript', packageFile('react', 'umd/react.production.min.js')],
    '/react-dom.js': ['text/javascript', packageFile('react-dom', 'umd/react-dom.production.min.js')],
    '/host.js': ['text/javascript', hostScript],
    '/main.js': ['text/javascript', readFileSync(bundleFile, 'utf8')],
  };
  const server: Server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': `${file[0]}; charset=utf-8` }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
