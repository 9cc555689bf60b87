/**
 * The companion plugin's bundle (webapp/dist/main.js, built by webapp/build.ts): React and
 * ReactDOM are the web app's own (`window.React`, `window.ReactDOM`), never bundled, so the cards
 * render with the host's React like every other post.
 */
import { companion, pluginId } from './register.ts';

window.registerPlugin?.(pluginId, companion);
