/**
 * Loads only the API groups of @kubernetes/client-node that matterops makes clients of (issue 12,
 * RSS; BENCHMARKS.md (c)). The package's index re-exports every group's client from two generated
 * files, gen/types/ObjectParamAPI.js and ObservableAPI.js (14.7 MB of source for 65 groups), and
 * these import each group's request factory (gen/apis/, 8.5 MB). A process that imports anything
 * of the library loads them all: about 13 MiB of the bot's resident memory, for 6 groups used.
 *
 * A load hook (node:module registerHooks, in the loading thread) cuts those two files down to the
 * kept groups' classes, and the index's export of them to the same names. Nothing else of the
 * library changes: KubeConfig and its authentication (exec, tokens, client certificates, OIDC,
 * the cloud providers), the watches, the models and their serialiser load as published. A group not
 * kept is not exported, so importing it fails at start, loudly (test/unit/adapters/kubernetes
 * imports the bot's whole graph under the hook). If a release of the library lays these files out
 * differently, the cut throws at the first import rather than guessing.
 */
import { registerHooks } from 'node:module';

/**
 * What the bot and its runner make clients of (grep makeApiClient in src/), and AppsV1, which
 * the library's own portforward.js imports from its index.
 */
export const keptApiGroups: readonly string[] = ['CoreV1', 'AppsV1', 'BatchV1', 'CustomObjects', 'AuthenticationV1', 'Version'];

const generated = '/@kubernetes/client-node/dist/gen/';
const classLine = /^export class (Object|Observable)(\w+)Api \{$/gm;

/**
 * ObjectParamAPI.js or ObservableAPI.js with only the kept groups' classes: each group is one
 * `import` line of what it needs, then its class, so the file splits before every top-level import.
 */
export function keepGroupClasses(source: string, kept: readonly string[], file: string): string {
  const chunks: string[] = [];
  for (const line of source.split('\n')) {
    if (line.startsWith('import ') || chunks.length === 0) chunks.push(line);
    else chunks[chunks.length - 1] += `\n${line}`;
  }
  const found = new Set<string>();
  const out = chunks.filter((chunk) => {
    const groups = [...chunk.matchAll(classLine)].map((m) => m[2] ?? '');
    if (groups.length > 1) throw new Error(`${file}: more than one class after an import (${groups.join(', ')}); its layout changed`);
    const group = groups[0];
    if (group === undefined) return true;
    if (!kept.includes(group)) return false;
    found.add(group);
    return true;
  });
  const missing = kept.filter((g) => !found.has(g));
  if (missing.length) throw new Error(`${file}: no class for ${missing.join(', ')}; its layout changed`);
  return out.join('\n');
}

const indexExport = /^export \{ ([^}]+) \} from '\.\/types\/ObjectParamAPI\.js';$/m;

/** gen/index.js with its one export of the groups' clients cut to the kept ones. */
export function keepIndexExports(source: string, kept: readonly string[]): string {
  const match = indexExport.exec(source);
  if (!match?.[1]) throw new Error('gen/index.js: no export from ./types/ObjectParamAPI.js; its layout changed');
  const names = match[1].split(', ').filter((n) => kept.some((g) => n === `Object${g}Api as ${g}Api`));
  if (names.length !== kept.length) throw new Error(`gen/index.js: exports ${names.length} of the ${kept.length} kept groups; its layout changed`);
  return source.replace(indexExport, `export { ${names.join(', ')} } from './types/ObjectParamAPI.js';`);
}

/** The source Node will run for a module of the library, cut where it is one of the three files. */
export function cutSource(url: string, source: string, kept: readonly string[] = keptApiGroups): string {
  if (url.endsWith('/gen/types/ObjectParamAPI.js') || url.endsWith('/gen/types/ObservableAPI.js')) return keepGroupClasses(source, kept, url);
  if (url.endsWith('/gen/index.js')) return keepIndexExports(source, kept);
  return source;
}

let registered = false;

/** Registers the hook once; call it before anything imports the library (src/cli.ts does). */
export function loadOnlyUsedApiGroups(): void {
  if (registered) return;
  registered = true;
  registerHooks({
    load(url, context, nextLoad) {
      const loaded = nextLoad(url, context);
      if (!url.includes(generated) || loaded.source === undefined) return loaded;
      const text = typeof loaded.source === 'string' ? loaded.source : Buffer.from(loaded.source as Uint8Array).toString('utf8');
      return { ...loaded, source: cutSource(url, text) };
    },
  });
}
