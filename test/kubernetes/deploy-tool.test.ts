/**
 * The deployment tool (delivery.deployTool) and Argo CD on top (delivery.gitops):
 *   - only the chosen tool's files are written (the chart, the kustomize tree, or the
 *     plain manifests), the deploy scripts and CI/CD using the same tool;
 *   - the plain manifests of each environment are the objects `kubectl kustomize
 *     overlays/<env>` gives, but for the namespace (set at apply time), the managed-by
 *     label and the hash suffix of ConfigMap names; they pass the strict schemas and the rules;
 *   - the Argo CD Application and ApplicationSet pass the strict schemas of Argo CD's
 *     API types and point at paths the tree has;
 *   - the default output of a one-service app is at most half of what both tools gave.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { chartFiles, files as helmFiles } from '../../generators/helm/files.js';
import { files as kubernetesFiles } from '../../generators/kubernetes/files.js';
import { ENVIRONMENTS } from '../../generators/kubernetes/plan.js';
import type { DeployTool, StackModel } from '../../lib/model/types.js';
import { checkModel as validateModel } from '../../lib/model/validate.js';
import { checkRules, validateManifests, type K8sObject } from '../../lib/validate/k8s.js';
import { K8S_MODELS } from '../helpers/k8s-models.js';
import { SAMPLE_MODELS } from '../helpers/models.js';
import { runGenerator } from '../helpers/run.js';
import { REPO_ROOT } from '../helpers/tree.js';
import { itKubectl, kustomize, ruleOptions, writeFiles } from './kustomize.js';

const MODELS: Record<string, StackModel> = { ...K8S_MODELS, ...Object.fromEntries(Object.entries(SAMPLE_MODELS).map(([k, m]) => [`sample-${k}`, m])) };
const withTool = (m: StackModel, deployTool: DeployTool, extra: Record<string, unknown> = {}): StackModel => ({ ...m, delivery: { ...m.delivery, deployTool, ...extra } });
const docsOf = (text: string): K8sObject[] => parseAllDocuments(text).map((d) => d.toJS() as K8sObject).filter((d) => d && typeof d === 'object');
const lines = (text: string): number => text.split('\n').length - 1;

let scratch = '';
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'containerize-tool-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('deployment tool: only the chosen one is written', () => {
  for (const [key, model] of Object.entries(MODELS)) {
    it(`${key}: kustomize (the default), helm, manifests`, () => {
      const paths = (m: StackModel) => [...kubernetesFiles(m), ...helmFiles(m)].map((f) => f.path);
      const byDefault = paths(model);
      assert.deepEqual(byDefault, paths(withTool(model, 'kustomize')), 'kustomize is the default');
      assert.ok(byDefault.some((p) => p.startsWith('deploy/kubernetes/base/')));
      assert.ok(!byDefault.some((p) => p.startsWith('deploy/helm/')), 'no chart');
      const helm = paths(withTool(model, 'helm'));
      assert.ok(helm.includes(`deploy/helm/${model.name}/Chart.yaml`));
      assert.deepEqual(helm.filter((p) => p.startsWith('deploy/kubernetes/')), [], 'no manifests with helm');
      const manifests = paths(withTool(model, 'manifests'));
      assert.ok(!manifests.some((p) => /^deploy\/(helm\/|kubernetes\/(base|overlays|components)\/)/.test(p)), 'no chart, no kustomize tree');
      for (const env of ENVIRONMENTS) assert.ok(manifests.includes(`deploy/kubernetes/${env}/deployment.yaml`), env);
      for (const tool of ['kustomize', 'helm', 'manifests'] as const) {
        const deploy = kubernetesFiles(withTool(model, tool)).find((f) => f.path === 'deploy/scripts/deploy.sh')!.content;
        assert.match(deploy, new RegExp(`readonly tool=${tool}\\n`));
        if (tool !== 'helm') assert.doesNotMatch(deploy, /\bhelm\b.*upgrade/);
        if (tool !== 'kustomize') assert.doesNotMatch(deploy, /apply -k/);
      }
    });
  }

  it('an unknown tool or gitops mode is a model error naming the choices', () => {
    assert.match(validateModel(withTool(K8S_MODELS.shop!, 'argo' as DeployTool), '/nonexistent').join('\n'), /delivery\.deployTool: "argo" is not one of them; expected one of kustomize, helm, manifests/);
    assert.match(validateModel(withTool(K8S_MODELS.shop!, 'kustomize', { gitops: 'flux' }), '/nonexistent').join('\n'), /delivery\.gitops: "flux" is not one of them; expected one of none, argocd, argocd-applicationset/);
    assert.match(validateModel(withTool(K8S_MODELS.shop!, 'kustomize', { repoUrl: 'not a url' }), '/nonexistent').join('\n'), /delivery\.repoUrl: "not a url" is not a Git URL/);
  });
});

/** An object as the manifests and kustomize both describe it, with what legitimately differs taken out. */
function normalized(docs: K8sObject[]): string[] {
  const stripHash = (name: string) => name.replace(/-[a-z0-9]{10}$/, '');
  return docs
    .map((d) => {
      const o = structuredClone(d) as any;
      delete o.metadata.namespace;
      for (const labels of [o.metadata.labels, o.spec?.template?.metadata?.labels]) if (labels) delete labels['app.kubernetes.io/managed-by'];
      if (o.kind === 'ConfigMap') o.metadata.name = stripHash(o.metadata.name);
      for (const c of o.spec?.template?.spec?.containers ?? []) for (const from of c.envFrom ?? []) if (from.configMapRef) from.configMapRef.name = stripHash(from.configMapRef.name);
      return JSON.stringify(o, Object.keys(flatKeys(o)).sort());
    })
    .sort();
}
/** Every key of an object tree (JSON.stringify's replacer list: sorted keys at every depth). */
function flatKeys(v: unknown, out: Record<string, true> = {}): Record<string, true> {
  if (Array.isArray(v)) for (const x of v) flatKeys(x, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) ((out[k] = true), flatKeys(x, out));
  return out;
}

describe('deployment tool manifests: the kustomize overlays, written out', () => {
  for (const [key, model] of Object.entries(MODELS)) {
    const m = withTool(model, 'manifests');
    for (const env of ENVIRONMENTS) {
      itKubectl(`${key}/${env}: the objects of kubectl kustomize overlays/${env}; strict schemas and rules`, () => {
        const dir = join(scratch, `${key}-${env}`);
        writeFiles(dir, kubernetesFiles(withTool(model, 'kustomize')));
        const fromKustomize = kustomize(join(dir, 'deploy/kubernetes/overlays', env));
        const written = kubernetesFiles(m).filter((f) => f.path.startsWith(`deploy/kubernetes/${env}/`));
        const docs = written.flatMap((f) => docsOf(f.content));
        assert.deepEqual(normalized(docs), normalized(fromKustomize));
        assert.ok(docs.every((d) => d.metadata?.namespace === undefined), 'no namespace in the files');
        assert.ok(docs.every((d) => !d.metadata?.labels || d.metadata.labels['app.kubernetes.io/managed-by'] === 'kubectl'));
        assert.deepEqual(validateManifests(docs), []);
        assert.deepEqual(checkRules(docs, ruleOptions(model)), []);
      });
    }
  }

  it('a changed env value renames the ConfigMap, so the pods roll', () => {
    const m = withTool(K8S_MODELS.shop!, 'manifests');
    const name = (mm: StackModel) => docsOf(kubernetesFiles(mm).find((f) => f.path === 'deploy/kubernetes/staging/configmap.yaml')!.content).map((d) => d.metadata!.name);
    const svc = Object.keys(m.services).find((s) => Object.values(m.services[s]!.env).some((v) => !v.secret && v.value !== null))!;
    const [envName] = Object.entries(m.services[svc]!.env).find(([, v]) => !v.secret && v.value !== null)!;
    const changed = structuredClone(m);
    changed.services[svc]!.env[envName]!.value = 'changed';
    const before = name(m);
    const after = name(changed);
    assert.notDeepEqual(before, after);
    const deployment = kubernetesFiles(changed).find((f) => f.path === 'deploy/kubernetes/staging/deployment.yaml')!.content;
    for (const n of after.filter((x) => !before.includes(x))) assert.ok(deployment.includes(`name: ${n}`), `the Deployment reads ${n}`);
  });
});

describe('Argo CD on top of the deployment tool', () => {
  for (const [key, base] of [['shop', K8S_MODELS.shop!], ['the example', SAMPLE_MODELS.taskboard!]] as const)
  for (const tool of ['kustomize', 'helm', 'manifests'] as const)
    for (const gitops of ['argocd', 'argocd-applicationset'] as const)
      it(`${key}, ${tool} + ${gitops}: strict Argo CD schemas; every source path is in the tree`, () => {
        const m = withTool({ ...base, name: 'shop' }, tool, { gitops, repoUrl: 'https://github.com/acme/shop.git' });
        const out = [...kubernetesFiles(m), ...helmFiles(m)];
        const argo = out.filter((f) => f.path.startsWith('deploy/argocd/'));
        assert.deepEqual(argo.map((f) => f.path), gitops === 'argocd' ? ENVIRONMENTS.map((e) => `deploy/argocd/${e}.yaml`).sort() : ['deploy/argocd/applicationset.yaml']);
        const docs = argo.flatMap((f) => docsOf(f.content));
        assert.deepEqual(validateManifests(docs), []);
        const sources = docs.flatMap((d: any) =>
          d.kind === 'Application' ? [d.spec.source] : ENVIRONMENTS.map((env) => JSON.parse(JSON.stringify(d.spec.template.spec.source).replaceAll('{{env}}', env))),
        );
        assert.equal(sources.length, ENVIRONMENTS.length);
        for (const s of sources) {
          assert.equal(s.repoURL, 'https://github.com/acme/shop.git');
          assert.ok(out.some((f) => f.path.startsWith(`${s.path}/`)), `${s.path} is generated`);
          for (const v of s.helm?.valueFiles ?? []) assert.ok(out.some((f) => f.path === `${s.path}/${v}`), v);
        }
        if (gitops === 'argocd')
          for (const env of ENVIRONMENTS) {
            const app = docs.find((d: any) => d.metadata.name === `shop-${env}`) as any;
            assert.equal(app.spec.destination.namespace, env === 'production' ? 'shop' : 'shop-staging');
          }
      });

  it('a misspelt Argo CD field is caught', () => {
    const m = withTool(K8S_MODELS.shop!, 'kustomize', { gitops: 'argocd' });
    const app = docsOf(kubernetesFiles(m).find((f) => f.path === 'deploy/argocd/staging.yaml')!.content)[0] as any;
    app.spec.syncPolicy.automated.prunne = true;
    assert.match(validateManifests([app]).join('\n'), /prunne/);
    const set = docsOf(kubernetesFiles(withTool(m, 'kustomize', { gitops: 'argocd-applicationset' })).find((f) => f.path === 'deploy/argocd/applicationset.yaml')!.content)[0] as any;
    set.spec.generators[0].lists = set.spec.generators[0].list;
    assert.match(validateManifests([set]).join('\n'), /lists/);
  });
});

describe('output size: the default for a one-service app is at most half of what both tools gave', () => {
  // Measured on test/fixtures/size/fastapi-one (one FastAPI service, nothing else) with
  // `containerize --yes` at d61ba52, when the chart and the kustomize tree were both always
  // written: 4,657 lines in 57 generated files (docs/kubernetes.md#choosing-the-deployment-tool).
  const BEFORE = 4657;
  it(`containerize --yes on the fixture writes at most ${BEFORE / 2} lines`, async function () {
    const dir = join(scratch, 'fastapi-one');
    cpSync(join(REPO_ROOT, 'test/fixtures/size/fastapi-one'), dir, { recursive: true });
    await runGenerator('app').cd(dir).withOptions({ yes: true } as Record<string, unknown>);
    const ledger = JSON.parse(readFileSync(join(dir, '.containerize/ledger.json'), 'utf8')) as { files: Record<string, unknown> };
    const total = Object.keys(ledger.files).reduce((n, p) => n + lines(readFileSync(join(dir, p), 'utf8')), 0);
    assert.ok(total * 2 <= BEFORE, `${total} lines by default, ${BEFORE} before`);
    assert.ok(!Object.keys(ledger.files).some((p) => p.startsWith('deploy/helm/')), 'no chart by default');
  });
});
