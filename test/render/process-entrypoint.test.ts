/**
 * A process of an image built from the user's own Dockerfile (seen on miguelgrinberg/microblog:
 * ENTRYPOINT ["./boot.sh"], a script that runs gunicorn whatever its arguments): its command must
 * replace the image's ENTRYPOINT, or the worker would run the web server. Our own images'
 * ENTRYPOINT (tini) runs its arguments, so their processes keep it and pass args.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { helmAvailable, helmTemplate, parseManifests } from '../../lib/validate/helm.js';
import { validateManifests } from '../../lib/validate/k8s.js';
import { parse, parseAllDocuments } from 'yaml';
import { files as composeFiles } from '../../generators/compose/files.js';
import { files as kubernetesFiles } from '../../generators/kubernetes/files.js';
import { chartFiles } from '../../generators/helm/files.js';
import type { StackModel } from '../../lib/model/types.js';
import { PROCESSES } from '../helpers/k8s-models.js';

const withOwnDockerfile = (m: StackModel): StackModel => ({
  ...m,
  services: Object.fromEntries(Object.entries(m.services).map(([n, s]) => [n, { ...s, dockerfile: 'ruby/Dockerfile' }])),
});
const get = (out: { path: string; content: string }[], path: string) => out.find((f) => f.path === path)!.content;
const kubeContainer = (model: StackModel, name: string) => {
  const text = kubernetesFiles(model).filter((f) => /base\/(deployment|job)\.yaml$/.test(f.path)).map((f) => f.content).join('\n---\n');
  const doc = parseAllDocuments(text).map((d) => d.toJS()).find((d) => d?.metadata?.name === `${model.name}-${name}`);
  return doc.spec.template.spec.containers[0];
};

describe('a process of an image built from the user\'s own Dockerfile', () => {
  it('Compose: the process\'s command is its entrypoint (the image\'s ENTRYPOINT could ignore a command); ours keeps tini and passes command', () => {
    const own = parse(get(composeFiles(withOwnDockerfile(PROCESSES)), 'compose.yaml')).services.sidekiq;
    assert.deepEqual(own.entrypoint, ['bundle', 'exec', 'sidekiq']);
    assert.equal(own.command, undefined);
    const ours = parse(get(composeFiles(PROCESSES), 'compose.yaml')).services.sidekiq;
    assert.deepEqual(ours.command, ['bundle', 'exec', 'sidekiq']);
    assert.equal(ours.entrypoint, undefined);
  });

  it('kustomize: the container\'s command (over the ENTRYPOINT), not args; ours passes args', () => {
    assert.deepEqual(kubeContainer(withOwnDockerfile(PROCESSES), 'sidekiq').command, ['bundle', 'exec', 'sidekiq']);
    assert.equal(kubeContainer(withOwnDockerfile(PROCESSES), 'sidekiq').args, undefined);
    assert.deepEqual(kubeContainer(PROCESSES, 'sidekiq').args, ['bundle', 'exec', 'sidekiq']);
    assert.equal(kubeContainer(PROCESSES, 'sidekiq').command, undefined);
    assert.deepEqual(kubeContainer(withOwnDockerfile(PROCESSES), 'release').command, ['bundle', 'exec', 'rails', 'db:prepare']);
  });

  it('Helm: values command for such a process, args for ours', () => {
    const own = parse(get(chartFiles(withOwnDockerfile(PROCESSES)), 'deploy/helm/shipping/values.yaml')).services.sidekiq;
    assert.deepEqual([own.command, own.args], [['bundle', 'exec', 'sidekiq'], []]);
    const ours = parse(get(chartFiles(PROCESSES), 'deploy/helm/shipping/values.yaml')).services.sidekiq;
    assert.deepEqual([ours.command, ours.args], [undefined, ['bundle', 'exec', 'sidekiq']]);
  });

  it('Helm: the rendered pod has that command, and passes the strict schemas', function () {
    if (!helmAvailable()) this.skip();
    const root = mkdtempSync(join(tmpdir(), 'process-entrypoint-'));
    for (const f of chartFiles(withOwnDockerfile(PROCESSES))) {
      mkdirSync(dirname(join(root, f.path)), { recursive: true });
      writeFileSync(join(root, f.path), f.content);
    }
    const r = helmTemplate(join(root, 'deploy/helm/shipping'), { release: 'shipping' });
    assert.ok(r.ok, r.stderr);
    const docs = parseManifests(r.stdout) as any[];
    const sidekiq = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'shipping-sidekiq');
    assert.deepEqual(sidekiq.spec.template.spec.containers[0].command, ['bundle', 'exec', 'sidekiq']);
    assert.equal(sidekiq.spec.template.spec.containers[0].args, undefined);
    assert.deepEqual(validateManifests(docs), []);
  });
});
