/**
 * Builds the companion plugin's one bundle, webapp/dist/main.js (issue 15), with esbuild: an IIFE
 * for the browsers the web app supports, with `react` and `react-dom` read from the host's
 * `window.React` and `window.ReactDOM` (the web app's own copies; a second React would break hooks).
 * `node webapp/build.ts` builds it; `buildBundle` is what `make plugin` and the tests call.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const bundleEntry = join(here, 'src', 'index.tsx');
export const bundleFile = join(here, 'dist', 'main.js');

/** Host globals the bundle reads instead of bundling the packages. */
const hostGlobals: Record<string, string> = { react: 'React', 'react-dom': 'ReactDOM' };

const fromHost: Plugin = {
  name: 'matterops-host-globals',
  setup(b) {
    b.onResolve({ filter: /^react(-dom)?$/ }, (args) => ({ path: args.path, namespace: 'host-global' }));
    b.onLoad({ filter: /.*/, namespace: 'host-global' }, (args) => ({
      contents: `module.exports = window[${JSON.stringify(hostGlobals[args.path])}];`,
      loader: 'js',
    }));
  },
};

export interface BundleResult {
  file: string;
  bytes: number;
}

export async function buildBundle(outfile = bundleFile): Promise<BundleResult> {
  const result = await build({
    entryPoints: [bundleEntry],
    outfile,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    // Every browser the web app supports runs ES2020.
    target: 'es2020',
    jsx: 'transform',
    jsxFactory: 'React.createElement',
    jsxFragment: 'React.Fragment',
    minify: true,
    legalComments: 'none',
    plugins: [fromHost],
    metafile: true,
    logLevel: 'warning',
  });
  const output = result.metafile.outputs[Object.keys(result.metafile.outputs)[0] ?? ''];
  return { file: outfile, bytes: output?.bytes ?? 0 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { file, bytes } = await buildBundle(process.argv[2]);
  console.log(`${file}: ${(bytes / 1024).toFixed(1)} KiB`);
}
