/**
 * The load hook that keeps only the API groups matterops uses (src/adapters/kubernetes/client-node-groups.ts):
 * the cut of the library's generated files as published, its refusal of a layout it does not know,
 * and a process under the hook: the bot's whole graph links against the cut index, the groups not
 * kept are neither exported nor loaded, and a KubeConfig still authenticates a request.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cutSource, keepGroupClasses, keepIndexExports, keptApiGroups } from '../../../src/adapters/kubernetes/client-node-groups.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const gen = join(dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node/package.json')), 'dist', 'gen');
const read = (path: string): string => readFileSync(join(gen, path), 'utf8');
const classes = (source: string): string[] => [...source.matchAll(/^export class (\w+) \{$/gm)].map((m) => m[1] ?? '');

describe('the cut of client-node as published', () => {
  it('keeps only the kept groups in ObjectParamAPI.js and ObservableAPI.js, and their imports', () => {
    for (const [file, prefix] of [
      ['types/ObjectParamAPI.js', 'Object'],
      ['types/ObservableAPI.js', 'Observable'],
    ] as const) {
      const whole = read(file);
      const cut = cutSource(pathToFileURL(join(gen, file)).href, whole);
      expect(classes(whole).length).toBeGreaterThan(60);
      expect(classes(cut).sort()).toEqual(keptApiGroups.map((g) => `${prefix}${g}Api`).sort());
      expect(cut.length).toBeLessThan(whole.length / 2); // CoreV1 alone is a third of each
    }
    const observable = keepGroupClasses(read('types/ObservableAPI.js'), ['CoreV1'], 'ObservableAPI.js');
    expect(observable).toContain('from "../apis/CoreV1Api.js"');
    expect(observable).not.toContain('AdmissionregistrationV1Api');
  });

  it('exports only the kept groups from gen/index.js, and everything else it exported', () => {
    const whole = read('index.js');
    const cut = keepIndexExports(whole, keptApiGroups);
    expect(cut).toContain('ObjectCoreV1Api as CoreV1Api');
    expect(cut).not.toContain('AdmissionregistrationV1Api');
    expect(cut.split('\n').filter((l) => !l.includes('ObjectParamAPI'))).toEqual(whole.split('\n').filter((l) => !l.includes('ObjectParamAPI')));
  });

  it('refuses a layout it does not know instead of guessing', () => {
    expect(() => keepGroupClasses('import { a } from "./a.js";\nexport class ObjectOtherApi {\n}\n', ['CoreV1'], 'x.js')).toThrow(/no class for CoreV1/);
    expect(() =>
      keepGroupClasses('import { a } from "./a.js";\nexport class ObjectCoreV1Api {\n}\nexport class ObjectAppsV1Api {\n}\n', ['CoreV1'], 'x.js'),
    ).toThrow(/more than one class/);
    expect(() => keepIndexExports("export * from './types/ObjectParamAPI.js';\n", ['CoreV1'])).toThrow(/layout changed/);
  });
});

/** A process that loads the whole bot takes seconds on a loaded machine, beyond vitest's 5 s. */
const spawnTimeout = 30_000;

describe('a process under the hook', () => {
  it(
    'links the bot against the cut index, loads no other group, and a KubeConfig still authenticates',
    () => {
      const script = `
import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({ resolve(s, c, next) { const r = next(s, c); loaded.push(r.url); return r; } });
(await import(${JSON.stringify(join(repoRoot, 'src/adapters/kubernetes/client-node-groups.ts'))})).loadOnlyUsedApiGroups();
await import(${JSON.stringify(join(repoRoot, 'src/main.ts'))});
const k = await import('@kubernetes/client-node');
const kc = new k.KubeConfig();
kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u', token: 'the-token' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
const ctx = new k.RequestContext('https://127.0.0.1:1/api/v1/pods', k.HttpMethod.GET);
await kc.applySecurityAuthentication(ctx);
console.log(JSON.stringify({
  exported: ${JSON.stringify(keptApiGroups)}.filter((g) => typeof k[g + 'Api'] === 'function'),
  admission: 'AdmissionregistrationV1Api' in k,
  apis: loaded.filter((u) => u.includes('/dist/gen/apis/') && u.endsWith('Api.js')).map((u) => u.split('/').pop()).sort(),
  listsPods: typeof kc.makeApiClient(k.CoreV1Api).listNamespacedPod,
  authorization: ctx.getHeaders().Authorization,
}));`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: spawnTimeout });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({
        exported: keptApiGroups,
        admission: false,
        apis: keptApiGroups.map((g) => `${g}Api.js`).sort(),
        listsPods: 'function',
        authorization: 'Bearer the-token',
      });
    },
    spawnTimeout,
  );
});
