/**
 * Property: every model the model validator accepts renders in every stage and passes every
 * validator and rule (./harness.ts lists them). A fixed seed, so `npm test` is repeatable:
 * 50 random models of 1 to 12 services over every language, framework, package manager,
 * backing kind and option (test/helpers/arbitraries.ts). `npm run fuzz -- --runs N` runs more,
 * with any seed.
 *
 * Cost, on this project's 2-core machines: rendering and the in-process validators take about
 * a quarter of a second per model; helm (lint, template of each values file) and kubectl
 * kustomize are batched, all 50 models in one process call each. kubectl kustomize costs about 0.25 s per
 * folder, so here each model renders one overlay, staging and production in turn (each
 * includes the whole base); `npm run fuzz` renders the base and both overlays of every model.
 */
import { PACK_RULES } from '../../lib/languages/index.js';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stackArb } from '../helpers/arbitraries.js';
import { helmAvailable } from '../../lib/validate/helm.js';
import { kubectlAvailable } from '../kubernetes/kustomize.js';
import { checkModel } from '../../lib/model/validate.js';
import { runBatch, renderAll, scratch, writeRepo, cheapChecks, workflowChecks, writeFiles, type Case } from './harness.js';

export const FUZZ_SEED = 20261210;
const RUNS = 50;
const BATCH = 50;

describe('property: every valid model renders and passes every validator', function () {
  this.timeout(300_000);
  let work = '';
  before(() => {
    work = scratch('containerize-fuzz-');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it(`${RUNS} random models (seed ${FUZZ_SEED}): accepted by the model validator, rendered by every stage, every validator and rule passes`, async function () {
    if (!helmAvailable() || !kubectlAvailable()) this.skip();
    const models = fc.sample(stackArb(), { seed: FUZZ_SEED, numRuns: RUNS });
    const failures: string[] = [];
    for (let i = 0; i < models.length; i += BATCH) {
      const cases = runBatch(models.slice(i, i + BATCH), join(work, `b${i}`), `#${i}+`, (_c, j) => [(i + j) % 2 ? 'overlays/production' : 'overlays/staging']);
      await workflowChecks(cases);
      for (const c of cases) {
        if (c.refused.length) failures.push(`model ${c.id} refused by the model validator (the generator makes only valid models):\n  ${c.refused.join('\n  ')}`);
        else if (c.problems.length) failures.push(`model ${c.id} (${JSON.stringify(c.model).length} bytes of model):\n  ${[...new Set(c.problems)].slice(0, 20).join('\n  ')}\n  model: ${JSON.stringify(c.model)}`);
      }
    }
    assert.deepEqual(failures, [], failures.join('\n\n'));
  });

  it('shrinks a failure to a small model (fast-check property over the in-process validators)', function () {
    // The same property without helm and kubectl, one model at a time, so fast-check can shrink.
    fc.assert(
      fc.property(stackArb(4), (gen) => {
        const root = join(work, `p-${Math.random().toString(36).slice(2)}`);
        writeRepo(root, gen);
        if (checkModel(gen.model, root, PACK_RULES).length) return true;
        const { files, problems } = renderAll(gen.model);
        writeFiles(root, files);
        const all = [...problems, ...cheapChecks(gen.model, files, root)];
        rmSync(root, { recursive: true, force: true });
        if (all.length) throw new Error(all.join('\n'));
        return true;
      }),
      { seed: FUZZ_SEED, numRuns: 15 },
    );
  });
});

export type { Case };
