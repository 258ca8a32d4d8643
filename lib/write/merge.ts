/**
 * Three-way merges of a file the user edited since our last render:
 *
 *   base    our last render (the ledger's copy)
 *   theirs  the file as it is on disk (the user's edits)
 *   ours    what this run renders
 *
 * First line by line with node-diff3 (the diff3 algorithm of GNU diff3 and
 * git: changes in different places keep both; the same change on both sides
 * is not a conflict). Changes that touch the same or adjacent lines conflict
 * there; for a YAML file that parses on all three sides, a structural merge
 * is tried next (keys added or changed by us and by the user in different
 * places of the tree are not a conflict, wherever their lines fall). What
 * still conflicts is left to the user: the writer keeps their file and puts
 * ours beside it.
 */
import { diff3Merge } from 'node-diff3';
import { isMap, isScalar, parseAllDocuments, type Document, type Pair, type YAMLMap } from 'yaml';

export type Merge =
  | { clean: true; text: string; how: 'text' | 'yaml' }
  | { clean: false; conflicts: number };

const lines = (text: string): string[] => text.split('\n');

/** The line-based three-way merge alone. */
export function mergeLines(base: string, theirs: string, ours: string): Merge {
  const regions = diff3Merge(lines(theirs), lines(base), lines(ours), { excludeFalseConflicts: true });
  const conflicts = regions.filter((r) => r.conflict).length;
  if (conflicts) return { clean: false, conflicts };
  return { clean: true, text: regions.flatMap((r) => r.ok ?? []).join('\n'), how: 'text' };
}

/** Merge line by line, then, for YAML that still conflicts, by structure. */
export function mergeThreeWay(path: string, base: string, theirs: string, ours: string): Merge {
  const text = mergeLines(base, theirs, ours);
  if (text.clean || !/\.ya?ml$/.test(path)) return text;
  const yaml = mergeYaml(base, theirs, ours);
  return yaml === null ? text : { clean: true, text: yaml, how: 'yaml' };
}

// ---- YAML, by structure ---------------------------------------------------------

const CONFLICT = Symbol('conflict');
type Node = unknown;

const json = (node: Node): string => JSON.stringify(node === undefined ? undefined : (node as { toJSON?: () => unknown })?.toJSON?.() ?? node);
const same = (a: Node, b: Node): boolean => json(a) === json(b);
const keyOf = (pair: Pair): string => (isScalar(pair.key) ? String(pair.key.value) : json(pair.key));
const find = (map: YAMLMap, key: string): Pair | undefined => map.items.find((p) => keyOf(p as Pair) === key) as Pair | undefined;
const clone = <T>(node: T): T => {
  const c = (node as { clone?: () => T } | null)?.clone;
  return typeof c === 'function' ? c.call(node) : node;
};

/**
 * The merged value node, built inside `theirs` (their comments and layout are
 * kept), or CONFLICT. Maps merge key by key; anything else is taken whole
 * from the side that changed it, and conflicts when both changed it differently.
 */
function mergeNode(base: Node, theirs: Node, ours: Node): Node | typeof CONFLICT {
  if (isMap(theirs) && isMap(ours) && (base === undefined || isMap(base))) return mergeMaps(base as YAMLMap | undefined, theirs, ours);
  if (same(theirs, ours)) return theirs;
  if (same(base, theirs)) {
    // Only we changed it: our value, in their node when it is a scalar (its comments stay).
    if (isScalar(theirs) && isScalar(ours)) {
      theirs.value = ours.value;
      return theirs;
    }
    return clone(ours);
  }
  if (same(base, ours)) return theirs;
  return CONFLICT;
}

function mergeMaps(base: YAMLMap | undefined, theirs: YAMLMap, ours: YAMLMap): YAMLMap | typeof CONFLICT {
  const keys = new Set([...(base?.items ?? []), ...theirs.items, ...ours.items].map((p) => keyOf(p as Pair)));
  for (const key of keys) {
    const bp = base ? find(base, key) : undefined;
    const tp = find(theirs, key);
    const op = find(ours, key);
    if (!tp && !op) continue;
    if (!tp) {
      // Ours only: new in this render (added where ours has it), or deleted by the user (stays deleted unless we changed it).
      if (!bp) insertAfterPredecessor(theirs, ours, op!);
      else if (!same(bp.value, op!.value)) return CONFLICT;
      continue;
    }
    if (!op) {
      // Theirs only: added by the user (kept), or dropped by this render (dropped unless the user changed it).
      if (bp) {
        if (!same(bp.value, tp.value)) return CONFLICT;
        theirs.items.splice(theirs.items.indexOf(tp as never), 1);
      }
      continue;
    }
    const merged = mergeNode(bp?.value, tp.value, op.value);
    if (merged === CONFLICT) return CONFLICT;
    tp.value = merged;
  }
  return theirs;
}

/** Insert our pair after the nearest key before it in `ours` that `theirs` has too (or first). */
function insertAfterPredecessor(theirs: YAMLMap, ours: YAMLMap, pair: Pair): void {
  const at = ours.items.indexOf(pair as never);
  for (let i = at - 1; i >= 0; i--) {
    const prev = find(theirs, keyOf(ours.items[i] as Pair));
    if (prev) {
      theirs.items.splice(theirs.items.indexOf(prev as never) + 1, 0, clone(pair) as never);
      return;
    }
  }
  theirs.items.splice(0, 0, clone(pair) as never);
}

/** The structural merge of three YAML streams with the same number of documents, or null. */
export function mergeYaml(base: string, theirs: string, ours: string): string | null {
  // A Helm template is not YAML until rendered, though `{{ x }}` may parse as a flow mapping.
  if ([base, theirs, ours].some((text) => text.includes('{{'))) return null;
  const parse = (text: string): Document[] | null => {
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return null;
    return docs;
  };
  const [b, t, o] = [parse(base), parse(theirs), parse(ours)];
  if (!b || !t || !o || b.length !== t.length || t.length !== o.length) return null;
  for (let i = 0; i < t.length; i++) {
    const merged = mergeNode(b[i]!.contents, t[i]!.contents, o[i]!.contents);
    if (merged === CONFLICT) return null;
    t[i]!.contents = merged as never;
  }
  return t.map((d) => d.toString({ lineWidth: 0 })).join('');
}
