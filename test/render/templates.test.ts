/**
 * Templates cannot emit a raw model string (issue 10): a template that prints a free-text
 * field of the model (a path, a framework, a Dockerfile path, a command...) does so through
 * the helper of its output's syntax (comment, scalar/yamlScalar, json, dotenv, block...). Values
 * the stages compute in their files.ts (a Dockerfile's RUN lines...) are escaped there and are
 * checked by the hostile-string property (test/fuzz/hostile.test.ts), which renders every field.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../helpers/tree.js';

const FREE_TEXT = /\bsvc\.(framework|dockerfile|path|entry|build|lockfile|outputDir|packageManager|healthPath|start|languageVersion)\b/;
const HELPER = /^\s*(comment|scalar|yamlScalar|json|dotenv|block|yamlBlock|shellQuote|shq|execForm)\(/;

function templates(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? templates(p) : p.endsWith('.ejs') ? [p] : [];
  });
}

describe('templates emit model text only through an escaping helper', () => {
  it('every <%- ... %> that reads a free-text field of a service calls a helper', () => {
    const raw: string[] = [];
    for (const dir of readdirSync(join(REPO_ROOT, 'generators')).map((g) => join(REPO_ROOT, 'generators', g, 'templates'))) {
      if (!statSync(dir, { throwIfNoEntry: false } as never)) continue;
      for (const file of templates(dir)) {
        for (const m of readFileSync(file, 'utf8').matchAll(/<%-([\s\S]*?)%>/g)) {
          const expr = m[1]!;
          if (!FREE_TEXT.test(expr)) continue;
          // Each read of a field sits inside a helper call, or is only tested (svc.framework ? ...: no text printed).
          const reads = [...expr.matchAll(new RegExp(FREE_TEXT.source, 'g'))];
          const ok = reads.every(
            (r) => HELPER.test(expr) || /(comment|scalar|yamlScalar|json|dotenv|shellQuote|shq)\([^()]*$/.test(expr.slice(0, r.index)) || /^\s*(\?|===|!==|&&|\|\|)/.test(expr.slice(r.index! + r[0].length)),
          );
          if (!ok) raw.push(`${relative(REPO_ROOT, file)}: <%-${expr}%>`);
        }
      }
    }
    assert.deepEqual(raw, []);
  });
});
