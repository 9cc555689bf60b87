/**
 * The core reads in layers (`layers` below, issue 10 items 1 and 8): every file is in one, none
 * imports a layer above its own, and no import cycle in src/core is larger than the mutually
 * recursive spec types. Every import, export-from and `import('...')` counts, type-only ones
 * included: a type cycle still ties the files into one unit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const core = join(root, 'src', 'core');
// The one cycle left is the mutually recursive spec types: verb.ts, verb-context.ts, registry.ts.
const largestAllowed = 3;

/**
 * The layers, lowest first: a folder (ending in /) or a file of src/core each. The verb spec (the
 * interface a verb implements, its context and the registry) sits below the change pipeline, which
 * calls a change verb's `plan` through it as through a port; the verbs themselves sit above.
 */
const layers: readonly { name: string; holds: readonly string[] }[] = [
  { name: 'model', holds: ['model/', 'errors.ts', 'reply.ts', 'card.ts', 'run-options.ts'] },
  { name: 'text', holds: ['text/'] },
  { name: 'ports', holds: ['ports/', 'metrics-catalog.ts'] },
  { name: 'policy', holds: ['policy/'] },
  { name: 'verb spec', holds: ['verb.ts', 'verb-context.ts', 'registry.ts', 'core-settings.ts'] },
  { name: 'grammar', holds: ['grammar/', 'resolve-installation.ts'] },
  { name: 'change', holds: ['change/'] },
  { name: 'features', holds: ['incidents/', 'schedule/', 'digest/', 'last-good-backups.ts'] },
  { name: 'verbs', holds: ['verbs/'] },
  { name: 'pipeline', holds: ['pipeline.ts', 'error-reply.ts', 'create-core.ts'] },
];

/** The index in `layers` of the layer a file of src/core belongs to, if any. */
function layerOf(file: string): number | undefined {
  const path = relative(core, file);
  const index = layers.findIndex((layer) => layer.holds.some((held) => (held.endsWith('/') ? path.startsWith(held) : path === held)));
  return index === -1 ? undefined : index;
}

function coreFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return coreFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The module a node names, if it imports one: `import`, `export ... from`, `import('...')` in a type or a call. */
function moduleOf(node: ts.Node): ts.Node | undefined {
  if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return node.moduleSpecifier;
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) return node.argument.literal;
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) return node.arguments[0];
  return undefined;
}

/** The relative modules a file imports or re-exports, as absolute paths. */
function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const walk = (node: ts.Node): void => {
    const specifier = moduleOf(node);
    if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith('.')) found.push(resolve(dirname(file), specifier.text));
    ts.forEachChild(node, walk);
  };
  walk(source);
  return found;
}

/** Tarjan's strongly connected components of the import graph. */
function stronglyConnected(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    components.push(component);
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components;
}

describe('the core import graph', () => {
  it(`has no import cycle larger than ${largestAllowed} files`, () => {
    const graph = new Map(coreFiles(core).map((file) => [file, importsOf(file)]));
    const largest = stronglyConnected(graph).sort((a, b) => b.length - a.length)[0] ?? [];
    const files = largest.map((file) => relative(root, file)).sort();
    console.log(`largest import cycle in src/core: ${files.length} files`);
    expect(files.length, `largest import cycle in src/core (${files.length} files):\n  ${files.join('\n  ')}`).toBeLessThanOrEqual(largestAllowed);
  });

  it('puts every file of src/core in a layer', () => {
    const unclassified = coreFiles(core)
      .filter((file) => layerOf(file) === undefined)
      .map((file) => relative(root, file));
    expect(unclassified, `files in no layer (add them to \`layers\`):\n  ${unclassified.join('\n  ')}`).toEqual([]);
  });

  it(`imports only downwards: ${layers.map((layer) => layer.name).join(' <- ')}`, () => {
    // A layer may import its own layer and the ones below it, never one above.
    const upwards = coreFiles(core).flatMap((file) =>
      importsOf(file).flatMap((imported) => {
        const from = layerOf(file);
        const to = layerOf(`${imported.replace(/\.ts$/, '')}.ts`);
        return from !== undefined && to !== undefined && to > from
          ? [`${relative(root, file)} (${layers[from]!.name}) imports ${relative(root, imported)} (${layers[to]!.name})`]
          : [];
      }),
    );
    expect(upwards, upwards.join('\n')).toEqual([]);
  });
});
