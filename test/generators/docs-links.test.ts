/**
 * Generated files land in the user's repository, where this project's docs/ folder does
 * not exist: a comment or message that sends the reader to `docs/<page>.md` must name a
 * page the generated tree itself holds. Checked over every file the dockerfile, compose,
 * dev and docs stages render for the sample models and the Dockerfile matrix (a bun service
 * added, for its note).
 */
import assert from 'node:assert/strict';
import { files as composeFiles } from '../../generators/compose/files.js';
import { files as devFiles } from '../../generators/dev/files.js';
import { files as dockerfileFiles } from '../../generators/dockerfile/files.js';
import { files as docsFiles } from '../../generators/docs/files.js';
import type { StackModel } from '../../lib/model/types.js';
import type { OutputFile } from '../../lib/render/types.js';
import { MATRIX, service as dfService, stack as dfStack } from '../helpers/dockerfile-models.js';
import { SAMPLE_MODELS } from '../helpers/models.js';

const bun = dfStack({ api: dfService({ language: 'node', languageVersion: '22', packageManager: 'bun', lockfile: 'bun.lock', port: 3000, start: ['node', 'server.js'] }) });

const MODELS: [string, StackModel][] = [
  ...Object.entries(SAMPLE_MODELS),
  ...MATRIX.map((c) => [c.id, dfStack({ [c.id]: c.svc })] as [string, StackModel]),
  ['bun', bun],
];

const STAGES: [string, (m: StackModel) => OutputFile[]][] = [
  ['dockerfile', dockerfileFiles],
  ['compose', composeFiles],
  ['dev', devFiles],
  ['docs', (m) => docsFiles(m)],
];

describe('generated files point only at pages that exist in the generated tree', () => {
  for (const [title, model] of MODELS) {
    it(title, () => {
      const tree = STAGES.flatMap(([, files]) => files(model));
      const paths = new Set(tree.map((f) => f.path));
      const dangling = tree.flatMap((f) => [...f.content.matchAll(/\bdocs\/[\w./-]*\.md\b/g)].filter((m) => !paths.has(m[0])).map((m) => `${f.path}: ${m[0]}`));
      assert.deepEqual(dangling, []);
    });
  }
});
