/**
 * Kubernetes label and field selectors, as the apiserver reads them, for the fake watch:
 * `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`; fields `path=v`, `path!=v`
 * on dotted paths (`metadata.name`, `metadata.namespace`). Requirements are ANDed.
 */
import type { WatchedObject } from '../../src/core/ports/cluster-watch.ts';

type Requirement = (values: Record<string, string>) => boolean;

/** Splits on the commas that are not inside a set: `a in (x,y),b` is two requirements. */
function requirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function parseRequirement(text: string): Requirement {
  const set = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const members = new Set(list.split(',').map((m) => m.trim()));
    return op === 'in' ? (v) => key in v && members.has(v[key] ?? '') : (v) => !(key in v) || !members.has(v[key] ?? '');
  }
  const compare = /^([\w./-]+)\s*(==|=|!=)\s*(.*)$/.exec(text);
  if (compare) {
    const [, key = '', op, value = ''] = compare;
    return op === '!=' ? (v) => v[key] !== value : (v) => v[key] === value;
  }
  if (text.startsWith('!')) return (v) => !(text.slice(1) in v);
  return (v) => text in v;
}

function matcher(selector: string | undefined): Requirement {
  const all = requirements(selector ?? '').map(parseRequirement);
  return (values) => all.every((r) => r(values));
}

/** The string fields a field selector may name, flattened: `metadata.name` and so on. */
function fieldsOf(object: WatchedObject): Record<string, string> {
  const fields: Record<string, string> = {};
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') fields[path] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    }
  };
  walk(object, '');
  fields['metadata.namespace'] ??= '';
  return fields;
}

export function matchesSelectors(object: WatchedObject, labelSelector: string | undefined, fieldSelector: string | undefined): boolean {
  return matcher(labelSelector)(object.metadata.labels ?? {}) && matcher(fieldSelector)(fieldsOf(object));
}
