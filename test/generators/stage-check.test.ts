/**
 * Validation is a step of the run loop, declared by each stage (lib/generator/stage.ts): the
 * compose and dev stages' files() only render; their `check` finds what does not resolve, and
 * the stage generator runs it after rendering, before anything is written.
 */
import assert from 'node:assert/strict';
import ComposeStage from '../../generators/compose/generator.js';
import DevStage from '../../generators/dev/generator.js';
import { check as composeCheck, files as composeFiles } from '../../generators/compose/files.js';
import { check as devCheck, files as devFiles } from '../../generators/dev/files.js';
import { SAMPLE_MODELS } from '../helpers/models.js';

const model = SAMPLE_MODELS.taskboard!;

describe('stage checks: a run-loop step declared by the stage', () => {
  it('compose: its render passes; a reference to a secret it does not declare is found', () => {
    const out = composeFiles(model);
    assert.deepEqual(composeCheck(model, out), []);
    const broken = out.map((f) => (f.path === 'compose.yaml' ? { ...f, content: f.content.replace(/^services:\n/m, 'services:\n  ghost:\n    image: busybox\n    secrets: [nowhere]\n') } : f));
    assert.match(composeCheck(model, broken).join('\n'), /nowhere/);
  });

  it('dev: the layer merged over compose.yaml resolves; a dev service naming an unknown dependency is found', () => {
    const out = devFiles(model);
    assert.deepEqual(devCheck(model, out), []);
    const broken = out.map((f) => (f.path === 'compose.override.yaml' ? { ...f, content: f.content.replace(/^services:\n/m, 'services:\n  ghost:\n    image: busybox\n    depends_on: [nowhere]\n') } : f));
    assert.match(devCheck(model, broken).join('\n'), /nowhere/);
  });

  it('the stage generators run those checks (the class delegates to the stage\'s check)', () => {
    assert.deepEqual(ComposeStage.prototype.check.call({}, model, composeFiles(model)), []);
    const broken = composeFiles(model).map((f) => (f.path === 'compose.yaml' ? { ...f, content: f.content.replace(/^services:\n/m, 'services:\n  ghost:\n    image: busybox\n    secrets: [nowhere]\n') } : f));
    assert.notDeepEqual(ComposeStage.prototype.check.call({}, model, broken), []);
    assert.deepEqual(DevStage.prototype.check.call({}, model, devFiles(model)), []);
  });
});
