/**
 * deploy/scripts/deploy.sh and undeploy.sh: valid bash (`bash -n`), clean
 * under shellcheck (skipped, saying why, when shellcheck is absent:
 * `apt-get install -y shellcheck`), and their behaviour without a cluster:
 * argument errors are clear, --dry-run renders with the real kubectl / helm
 * and touches nothing, and the real path is driven against stub kubectl and
 * helm binaries that record their calls (namespace creation, the Secret
 * check, apply -k or helm upgrade --install, rollout waits).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartFiles as helmFiles } from '../../generators/helm/files.js';
import { files } from '../../generators/kubernetes/files.js';
import { parseManifests, helmAvailable, helmPath } from '../../lib/validate/helm.js';
import type { StackModel } from '../../lib/model/types.js';
import { K8S_MODELS, LONE_WORKER, SHOP } from '../helpers/k8s-models.js';
import { SAMPLE_MODELS } from '../helpers/models.js';
import { itKubectl, kubectlPath, writeFiles } from './kustomize.js';

/** Created in the root suite's before(), removed in its after() (not at load time: a --grep run would leak it). */
let scratch = '';
const SHELLCHECK = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' }).status === 0;
const TOOLS = ['kustomize', 'helm', 'manifests'] as const;
const withTool = (m: StackModel, deployTool: (typeof TOOLS)[number]): StackModel => ({ ...m, delivery: { ...m.delivery, deployTool } });
const MODELS: Record<string, StackModel> = { ...K8S_MODELS, ...Object.fromEntries(Object.entries(SAMPLE_MODELS).map(([k, m]) => [`sample-${k}`, m])) };

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Calls the stubs recorded, one command line each. */
  calls: string[];
}

/** A repository with the model's manifests, chart and scripts; returns its root. */
function repo(model: StackModel, tag: string): string {
  const root = join(scratch, tag);
  writeFiles(root, [...files(model), ...helmFiles(model)]);
  return root;
}

/**
 * Stub kubectl and helm that log their arguments. kubectl answers `get namespace` (exists
 * when STUB_NAMESPACE is set), `get secret NAME` (exists when NAME is in STUB_SECRETS) and
 * its jsonpath key lookups (a value), and succeeds at everything else.
 */
function stubs(): string {
  const dir = join(scratch, 'stubs');
  if (existsSync(dir)) return dir;
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'kubectl'),
    `#!/usr/bin/env bash
printf 'kubectl %s\\n' "$*" >>"$STUB_LOG"
case " $* " in
  *" config current-context "*) echo stub-context ;;
  *" get namespace "*) [[ -n \${STUB_NAMESPACE:-} ]] ;;
  *" get secret "*" -o "*) echo eA== ;;
  *" get secret "*) name=\${*: -1}; [[ " \${STUB_SECRETS:-} " == *" $name "* ]] ;;
  *) exit 0 ;;
esac
`,
  );
  writeFileSync(join(dir, 'helm'), `#!/usr/bin/env bash\nprintf 'helm %s\\n' "$*" >>"$STUB_LOG"\n`);
  chmodSync(join(dir, 'kubectl'), 0o755);
  chmodSync(join(dir, 'helm'), 0o755);
  return dir;
}

function run(root: string, script: 'deploy.sh' | 'undeploy.sh', args: string[], env: Record<string, string> = {}): Run {
  const log = join(scratch, `log-${Math.random().toString(36).slice(2)}`);
  writeFileSync(log, '');
  const r = spawnSync('bash', [join(root, 'deploy', 'scripts', script), ...args], {
    encoding: 'utf8',
    cwd: tmpdir(),
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? tmpdir(), STUB_LOG: log, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const stubEnv = (extra: Record<string, string> = {}) => ({ KUBECTL: join(stubs(), 'kubectl'), HELM: join(stubs(), 'helm'), ...extra });

describe('deploy scripts', () => {
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'k8s-scripts-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  describe('syntax', () => {
    for (const [key, model] of Object.entries(MODELS).flatMap(([k, m]) => TOOLS.map((t) => [`${k} (${t})`, withTool(m, t)] as const))) {
      const scripts = files(model).filter((f) => f.path.startsWith('deploy/scripts/'));
      it(`${key}: bash -n`, () => {
        assert.deepEqual(scripts.map((s) => s.path), ['deploy/scripts/deploy.sh', 'deploy/scripts/undeploy.sh']);
        for (const s of scripts) {
          const r = spawnSync('bash', ['-n'], { input: s.content, encoding: 'utf8' });
          assert.equal(r.status, 0, `${s.path}: ${r.stderr}`);
          assert.match(s.content, /^#!\/usr\/bin\/env bash\n/);
          assert.match(s.content, /^set -euo pipefail$/m);
        }
      });
      if (SHELLCHECK)
        it(`${key}: shellcheck`, () => {
          const dir = join(scratch, `sc-${key.replace(/\W+/g, '-')}`);
          writeFiles(dir, scripts);
          const paths = scripts.map((s) => join(dir, s.path));
          const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', ...paths], { encoding: 'utf8' });
          assert.equal(r.status, 0, r.stdout + r.stderr);
        });
      else
        it(`${key}: shellcheck [skipped: shellcheck is not installed; apt-get install -y shellcheck]`, function () {
          this.skip();
        });
    }
  });

  describe('arguments', () => {
    let root = '';
    before(() => {
      root = repo(SHOP, 'args');
    });
    const fails = (args: string[], pattern: RegExp, script: 'deploy.sh' | 'undeploy.sh' = 'deploy.sh') => {
      const r = run(root, script, args, stubEnv());
      assert.equal(r.status, 1, `${script} ${args.join(' ')} should fail:\n${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.deepEqual(r.calls.filter((c) => !/ get | config /.test(c)), [], 'nothing was applied');
    };
    it('no environment: the usage and a question', () => fails([], /Usage: deploy\.sh <env>[\s\S]*error: which environment\? staging or production/));
    it('an unknown environment', () => fails(['qa'], /error: unknown environment "qa": staging or production/));
    it('an unknown option', () => fails(['staging', '--force'], /error: unknown option --force/));
    it('two environments', () => fails(['staging', 'production'], /error: one environment only/));
    it('--tag without a value, or an invalid tag', () => {
      fails(['staging', '--tag'], /error: --tag needs a value/);
      fails(['staging', '--tag', 'v1 beta'], /error: --tag v1 beta is not a valid image tag/);
    });
    it('a missing tool is named', () => {
      const r = run(root, 'deploy.sh', ['staging'], { KUBECTL: '/nonexistent/kubectl' });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /error: \/nonexistent\/kubectl not found on PATH/);
    });
    it('--help prints the usage and succeeds', () => {
      const r = run(root, 'deploy.sh', ['--help']);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /--dry-run +render what would be applied/);
    });
    it('undeploy of production needs --yes', () => fails(['production'], /add --yes to go on/, 'undeploy.sh'));
  });

  describe('--dry-run renders with the real tools and applies nothing', () => {
    let root = '';
    before(() => {
      root = repo(SHOP, 'dry');
    });
    itKubectl('kustomize, staging, --tag 1.4.2: every service image at the tag, in the staging namespace; the overlay untouched', () => {
      const before = readdirSync(join(root, 'deploy', 'kubernetes', 'overlays'));
      const overlay = readFileSync(join(root, 'deploy', 'kubernetes', 'overlays', 'staging', 'kustomization.yaml'), 'utf8');
      const r = run(root, 'deploy.sh', ['staging', '--tag', '1.4.2', '--dry-run'], { KUBECTL: kubectlPath() });
      assert.equal(r.status, 0, r.stderr);
      const docs = parseManifests(r.stdout) as any[];
      const images = docs.filter((d) => d.kind === 'Deployment').map((d) => d.spec.template.spec.containers[0].image).sort();
      assert.deepEqual(images, ['ghcr.io/acme/shop-api:1.4.2', 'ghcr.io/acme/shop-web:1.4.2', 'ghcr.io/acme/shop-worker:1.4.2']);
      assert.ok(docs.every((d) => d.metadata.namespace === 'shop-staging'));
      assert.match(r.stderr, /^\+ .*kubectl apply -k /m, 'prints the apply it would run');
      assert.match(r.stderr, /^\+ .*rollout status deployment\/shop-web/m);
      assert.deepEqual(readdirSync(join(root, 'deploy', 'kubernetes', 'overlays')), before);
      assert.equal(readFileSync(join(root, 'deploy', 'kubernetes', 'overlays', 'staging', 'kustomization.yaml'), 'utf8'), overlay);
    });

    itKubectl('kustomize, production, no tag: the overlay as it is (db external)', () => {
      const r = run(root, 'deploy.sh', ['production', '--dry-run'], { KUBECTL: kubectlPath() });
      assert.equal(r.status, 0, r.stderr);
      const docs = parseManifests(r.stdout) as any[];
      assert.equal(docs.find((d) => d.kind === 'Service' && d.metadata.name === 'db').spec.type, 'ExternalName');
      assert.doesNotMatch(r.stderr, /statefulset\/shop-db/, 'no wait for a StatefulSet that is not there');
      assert.match(r.stderr, /rollout status statefulset\/shop-redis/);
    });

    (helmAvailable() ? it : it.skip)(`helm, production, --tag 2.0.0: helm template with values-production.yaml and the tag${helmAvailable() ? '' : ` [skipped: no helm at ${helmPath()}]`}`, () => {
      const r = run(repo(withTool(SHOP, 'helm'), 'dry-helm'), 'deploy.sh', ['production', '--tag', '2.0.0', '--dry-run'], { HELM: helmPath(), KUBECTL: '/nonexistent/kubectl' });
      assert.equal(r.status, 0, r.stderr);
      const docs = parseManifests(r.stdout) as any[];
      const images = docs.filter((d) => d.kind === 'Deployment').map((d) => d.spec.template.spec.containers[0].image).sort();
      assert.deepEqual(images, ['ghcr.io/acme/shop-api:2.0.0', 'ghcr.io/acme/shop-web:2.0.0', 'ghcr.io/acme/shop-worker:2.0.0']);
      assert.match(r.stderr, /^\+ .*helm upgrade --install shop .*deploy\/helm\/shop --namespace shop -f .*values-production\.yaml --set-string services\.api\.image\.tag=2\.0\.0/m);
    });

    it('manifests, staging, --tag 1.4.2: the staging files with every image at the tag, applied to the namespace; the files untouched', () => {
      const m = repo(withTool(SHOP, 'manifests'), 'dry-manifests');
      const file = join(m, 'deploy', 'kubernetes', 'staging', 'deployment.yaml');
      const before = readFileSync(file, 'utf8');
      const r = run(m, 'deploy.sh', ['staging', '--tag', '1.4.2', '--dry-run'], { KUBECTL: '/nonexistent/kubectl' });
      assert.equal(r.status, 1, 'kubectl is needed');
      const ok = run(m, 'deploy.sh', ['staging', '--tag', '1.4.2', '--dry-run'], stubEnv());
      assert.equal(ok.status, 0, ok.stderr);
      const docs = parseManifests(ok.stdout) as any[];
      const images = docs.filter((d) => d.kind === 'Deployment').map((d) => d.spec.template.spec.containers[0].image).sort();
      assert.deepEqual(images, ['ghcr.io/acme/shop-api:1.4.2', 'ghcr.io/acme/shop-web:1.4.2', 'ghcr.io/acme/shop-worker:1.4.2']);
      assert.match(ok.stderr, /^\+ \S*kubectl apply --namespace shop-staging -f \S+$/m);
      assert.equal(readFileSync(file, 'utf8'), before);
      assert.deepEqual(ok.calls.filter((c) => c.includes(' apply ')), [], 'a dry run applies nothing');
    });
  });

  describe('against stub kubectl and helm (no cluster)', () => {
    let root = '';
    before(() => {
      root = repo(SHOP, 'stub');
    });
    it('a new namespace is created and labelled restricted; missing Secrets stop the deploy with the commands to create them', () => {
      const r = run(root, 'deploy.sh', ['staging'], stubEnv());
      assert.equal(r.status, 1, r.stderr);
      assert.ok(r.calls.includes('kubectl create namespace shop-staging'), r.calls.join('\n'));
      assert.ok(r.calls.includes('kubectl label namespace shop-staging pod-security.kubernetes.io/enforce=restricted'));
      // api's DATABASE_PASSWORD is wired to db: it reads db's Secret, so api has none of its own.
      assert.match(r.stderr, /missing Secret shop-db; create it with:\n {4}.*kubectl --namespace shop-staging create secret generic shop-db --from-literal=password=\.\.\./);
      assert.match(r.stderr, /missing Secret shop-redis; .*\n.* --from-literal=password=\.\.\./);
      assert.match(r.stderr, /missing Secret shop-web;/);
      assert.match(r.stderr, /error: create the Secrets above in shop-staging first/);
      assert.ok(!r.calls.some((c) => c.includes(' apply ')), 'nothing applied');
    });

    it('with the Secrets there: kubectl apply -k the overlay, then wait for every workload', () => {
      const r = run(root, 'deploy.sh', ['staging'], stubEnv({ STUB_NAMESPACE: '1', STUB_SECRETS: 'shop-db shop-redis shop-web' }));
      assert.equal(r.status, 0, r.stderr);
      assert.ok(!r.calls.some((c) => c.includes('create namespace')));
      assert.ok(r.calls.includes(`kubectl apply -k ${join(root, 'deploy', 'kubernetes', 'overlays', 'staging')}`), r.calls.join('\n'));
      const waits = r.calls.filter((c) => c.includes('rollout status')).map((c) => c.split(' ')[5]);
      assert.deepEqual(waits, ['deployment/shop-api', 'deployment/shop-web', 'deployment/shop-worker', 'statefulset/shop-db', 'statefulset/shop-redis']);
      assert.match(r.stderr, /==> deploying shop to staging: context stub-context, namespace shop-staging, kustomize/);
    });

    it('production: the external database needs its Secret still, for the services wired to it', () => {
      const missing = run(root, 'deploy.sh', ['production'], stubEnv({ STUB_NAMESPACE: '1', STUB_SECRETS: 'shop-redis shop-web' }));
      assert.equal(missing.status, 1, missing.stderr);
      assert.match(missing.stderr, /missing Secret shop-db/);
      const r = run(root, 'deploy.sh', ['production'], stubEnv({ STUB_NAMESPACE: '1', STUB_SECRETS: 'shop-db shop-redis shop-web' }));
      assert.equal(r.status, 0, r.stderr);
    });

    it('helm: helm upgrade --install with the environment file and the tag', () => {
      const helmRoot = repo(withTool(SHOP, 'helm'), 'stub-helm');
      const r = run(helmRoot, 'deploy.sh', ['production', '--tag', '1.4.2'], stubEnv({ STUB_NAMESPACE: '1', STUB_SECRETS: 'shop-db shop-redis shop-web' }));
      assert.equal(r.status, 0, r.stderr);
      const chart = join(helmRoot, 'deploy', 'helm', 'shop');
      assert.ok(
        r.calls.includes(`helm upgrade --install shop ${chart} --namespace shop -f ${chart}/values-production.yaml --set-string services.api.image.tag=1.4.2 --set-string services.web.image.tag=1.4.2 --set-string services.worker.image.tag=1.4.2`),
        r.calls.join('\n'),
      );
    });

    it('manifests: kubectl apply of the environment folder to its namespace, then wait for every workload', () => {
      const m = repo(withTool(SHOP, 'manifests'), 'stub-manifests');
      const r = run(m, 'deploy.sh', ['production'], stubEnv({ STUB_NAMESPACE: '1', STUB_SECRETS: 'shop-db shop-redis shop-web' }));
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.calls.includes(`kubectl apply --namespace shop -f ${join(m, 'deploy', 'kubernetes', 'production')}`), r.calls.join('\n'));
      assert.ok(r.calls.some((c) => c.includes('rollout status deployment/shop-web')));
      const u = run(m, 'undeploy.sh', ['staging'], stubEnv());
      assert.ok(u.calls.includes(`kubectl delete --namespace shop-staging -f ${join(m, 'deploy', 'kubernetes', 'staging')} --ignore-not-found`), u.calls.join('\n'));
    });

    it('the old --helm flag is refused: the tool is chosen in the model', () => {
      const r = run(root, 'deploy.sh', ['staging', '--helm'], stubEnv());
      assert.equal(r.status, 1);
      assert.match(r.stderr, /unknown option --helm/);
    });

    it('helm without a chart says which stage to run', () => {
      const bare = join(scratch, 'no-chart');
      writeFiles(bare, files(withTool(SHOP, 'helm')));
      const r = run(bare, 'deploy.sh', ['staging'], stubEnv());
      assert.equal(r.status, 1);
      assert.match(r.stderr, /error: no chart at deploy\/helm\/shop: run the generator's helm stage/);
    });

    it('undeploy: kubectl delete -k, or helm uninstall; keeps the namespace and says how to remove it', () => {
      const k = run(root, 'undeploy.sh', ['production', '--yes'], stubEnv());
      assert.equal(k.status, 0, k.stderr);
      assert.ok(k.calls.includes(`kubectl delete -k ${join(root, 'deploy', 'kubernetes', 'overlays', 'production')} --ignore-not-found`), k.calls.join('\n'));
      assert.ok(!k.calls.some((c) => c.includes('delete namespace')));
      assert.match(k.stderr, /kubectl delete namespace shop/);
      const h = run(repo(withTool(SHOP, 'helm'), 'undeploy-helm'), 'undeploy.sh', ['staging'], stubEnv());
      assert.equal(h.status, 0, h.stderr);
      assert.ok(h.calls.includes('helm uninstall shop --namespace shop-staging'));
    });

    it('a model without Secrets and without a Service deploys too (a lone worker)', () => {
      const lone = repo(LONE_WORKER, 'lone');
      const r = run(lone, 'deploy.sh', ['production'], stubEnv({ STUB_NAMESPACE: '1' }));
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.calls.filter((c) => c.includes('rollout status')).map((c) => c.split(' ')[5]), ['deployment/cron-jobs']);
    });
  });
});
