/**
 * The scripts the CI/CD workflows call (ci/changes.sh, lint.sh, smoke.sh, tag.sh,
 * deploy.sh), run for real against a generated example: every stage's files for the
 * model, in a git repository, with fake docker, curl, kubectl and helm on PATH
 * (test/ci/fakes: they log each call; kustomize and helm template/lint are the real
 * binaries). So the workflows are not only valid: their steps do what they say.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { files as cdFiles } from '../../generators/cd/files.js';
import { files as ciFiles } from '../../generators/ci/files.js';
import { files as composeFiles } from '../../generators/compose/files.js';
import { files as devFiles } from '../../generators/dev/files.js';
import { files as dockerfileFiles } from '../../generators/dockerfile/files.js';
import { chartFiles as helmFiles } from '../../generators/helm/files.js';
import { files as kubernetesFiles } from '../../generators/kubernetes/files.js';
import { buildContext, imageRepository, serviceNames } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import { helmPath } from '../../lib/validate/helm.js';
import { modeOf } from '../../lib/render/types.js';
import { kubectlPath } from '../kubernetes/kustomize.js';
import { nodeRedis, taskboard } from '../helpers/models.js';
import { planKubernetes } from '../../generators/kubernetes/plan.js';
import { workspace } from '../helpers/workflow-models.js';

const FAKES = join(dirname(fileURLToPath(import.meta.url)), 'fakes');
const HAVE_SHELLCHECK = spawnSync('shellcheck', ['--version']).status === 0;
const digestOf = (seed: string) => `sha256:${seed.repeat(64).slice(0, 64)}`;

interface Repo {
  root: string;
  fake: string;
  log: () => string[];
  run: (script: string, args?: string[], env?: Record<string, string>) => { status: number | null; stdout: string; stderr: string };
  git: (...args: string[]) => string;
}

function generate(model: StackModel): Repo {
  const root = mkdtempSync(join(tmpdir(), 'ci-scripts-'));
  const fake = join(root, '.fake');
  mkdirSync(fake);
  for (const f of [dockerfileFiles, composeFiles, devFiles, kubernetesFiles, helmFiles, ciFiles, cdFiles].flatMap((files) => files(model))) {
    const abs = join(root, f.path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, f.content);
    const mode = modeOf(f);
    if (mode) chmodSync(abs, mode);
  }
  for (const name of serviceNames(model)) writeFileSync(join(root, model.services[name]!.path, 'app.txt'), `${name}\n`);
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'generated');
  const logFile = join(fake, 'log');
  const run = (script: string, args: string[] = [], env: Record<string, string> = {}) => {
    const r = spawnSync('bash', [join(root, script), ...args], {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${FAKES}:${process.env.PATH}`,
        FAKE_LOG: logFile,
        FAKE_DIR: fake,
        REAL_KUBECTL: kubectlPath(),
        REAL_HELM: helmPath(),
        GITHUB_OUTPUT: '',
        GITHUB_STEP_SUMMARY: '',
        ...env,
      },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { root, fake, git, run, log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n') : []) };
}

const matrixOf = (stdout: string) => JSON.parse(/^matrix=(.*)$/m.exec(stdout)![1]!).include as Record<string, unknown>[];
const built = (stdout: string) => matrixOf(stdout).map((e) => e.service).sort();

describe('ci/ scripts, run against a generated example with fake docker, curl, kubectl and helm', function () {
  this.timeout(120000);
  const model: StackModel = { ...taskboard, delivery: { previews: true } };
  let repo: Repo;
  before(() => {
    repo = generate(model);
  });
  after(() => rmSync(repo.root, { recursive: true, force: true }));
  beforeEach(() => {
    rmSync(join(repo.fake, 'log'), { force: true });
    rmSync(join(repo.fake, 'applied.yaml'), { force: true });
  });

  if (HAVE_SHELLCHECK)
    it('every generated script passes shellcheck', () => {
      const scripts = ['ci/changes.sh', 'ci/lint.sh', 'ci/smoke.sh', 'ci/tag.sh', 'ci/deploy.sh'];
      const r = spawnSync('shellcheck', ['--severity=warning', ...scripts], { cwd: repo.root, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    });

  describe('changes.sh: the build matrix', () => {
    it('with --all, the matrix is exactly the model\'s images (name, repository, context, Dockerfile)', () => {
      const r = repo.run('ci/changes.sh', ['--all']);
      assert.equal(r.status, 0, r.stderr);
      const expected = serviceNames(model).map((name) => {
        const { context, dockerfile } = buildContext(model.services[name]!);
        return { service: name, image: imageRepository(model, name), composeImage: `${imageRepository(model, name)}:latest`, context, dockerfile, dev: true };
      });
      assert.deepEqual(matrixOf(r.stdout), expected);
      assert.match(r.stdout, /^any=true$/m);
    });

    it('on a push, only the images whose paths changed; nothing when nothing of theirs did', () => {
      const svc = model.services.api!.path;
      writeFileSync(join(repo.root, svc, 'app.txt'), 'changed\n');
      repo.git('commit', '-qam', 'api changed');
      let r = repo.run('ci/changes.sh', [], { EVENT: 'push', BASE: repo.git('rev-parse', 'HEAD~1'), HEAD: 'HEAD' });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(built(r.stdout), ['api']);
      writeFileSync(join(repo.root, 'NOTES.md'), 'docs only\n');
      repo.git('add', '-A');
      repo.git('commit', '-qm', 'docs');
      r = repo.run('ci/changes.sh', [], { EVENT: 'pull_request', BASE: repo.git('rev-parse', 'HEAD~1'), HEAD: 'HEAD' });
      assert.deepEqual(built(r.stdout), []);
      assert.match(r.stdout, /^any=false$/m);
    });

    it('every image on the schedule, a manual run, a first push, or a change to the pipeline itself', () => {
      const all = serviceNames(model);
      for (const env of [{ EVENT: 'schedule' }, { EVENT: 'workflow_dispatch' }, { EVENT: 'push', BASE: '0000000000000000000000000000000000000000', HEAD: 'HEAD' }])
        assert.deepEqual(built(repo.run('ci/changes.sh', [], env).stdout), all, JSON.stringify(env));
      writeFileSync(join(repo.root, 'ci', 'lint.sh'), readFileSync(join(repo.root, 'ci', 'lint.sh'), 'utf8') + '# edited\n');
      repo.git('commit', '-qam', 'pipeline');
      assert.deepEqual(built(repo.run('ci/changes.sh', [], { EVENT: 'push', BASE: repo.git('rev-parse', 'HEAD~1'), HEAD: 'HEAD' }).stdout), all);
    });

    it('a workspace member is rebuilt when the workspace lockfile changes', () => {
      const mono = generate(workspace);
      try {
        writeFileSync(join(mono.root, 'package-lock.json'), '{}\n');
        mono.git('add', '-A');
        mono.git('commit', '-qm', 'lockfile');
        const r = mono.run('ci/changes.sh', [], { EVENT: 'push', BASE: mono.git('rev-parse', 'HEAD~1'), HEAD: 'HEAD' });
        assert.deepEqual(built(r.stdout), ['api', 'worker']);
        assert.deepEqual(matrixOf(r.stdout).map((e) => e.context), ['.', '.']);
      } finally {
        rmSync(mono.root, { recursive: true, force: true });
      }
    });
  });

  describe('lint.sh', () => {
    for (const tool of ['kustomize', 'helm', 'manifests'] as const)
      it(`${tool}: lints every Dockerfile, compose.yaml, ${tool === 'helm' ? 'the chart (helm lint --strict) and ' : ''}every rendering against the schemas`, () => {
        const toolRepo = tool === 'kustomize' ? repo : generate({ ...model, delivery: { previews: true, deployTool: tool } });
        try {
          rmSync(join(toolRepo.fake, 'kubeconform.counts'), { force: true });
          rmSync(join(toolRepo.fake, 'log'), { force: true });
          const r = toolRepo.run('ci/lint.sh');
          assert.equal(r.status, 0, r.stdout + r.stderr);
          const log = toolRepo.log();
          const hadolint = log.filter((l) => /^docker run --rm -i hadolint\/hadolint:\S+ hadolint/.test(l));
          assert.equal(hadolint.length, serviceNames(model).length);
          assert.ok(log.includes('docker compose -f compose.yaml config --quiet'));
          assert.equal(log.some((l) => l === `helm lint --strict deploy/helm/${model.name}`), tool === 'helm');
          for (const env of ['staging', 'production']) {
            assert.equal(log.some((l) => l.startsWith(`helm template ${model.name} deploy/helm/${model.name} -f deploy/helm/${model.name}/values-${env}.yaml`)), tool === 'helm');
            assert.equal(log.some((l) => l === `kubectl kustomize deploy/kubernetes/overlays/${env}`), tool === 'kustomize');
          }
          // Two renderings (staging, production) reached kubeconform, each with objects in it.
          assert.equal(readFileSync(join(toolRepo.fake, 'kubeconform.counts'), 'utf8').trim().split('\n').length, 2);
        } finally {
          if (toolRepo !== repo) rmSync(toolRepo.root, { recursive: true, force: true });
        }
      });

    it('fails, naming the check, when a linter fails', () => {
      const r = repo.run('ci/lint.sh', [], { FAIL_HADOLINT: 'api' });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /lint\.sh: failed: hadolint api\/Dockerfile/);
    });
  });

  describe('smoke.sh', () => {
    const publicRoutes = () =>
      serviceNames(model)
        .filter((n) => model.services[n]!.public)
        .map((n) => `curl http://127.0.0.1:${model.services[n]!.port}${model.services[n]!.healthPath ?? '/'}`);

    it('loads the built images, builds the others, starts the stack with --wait and requests every public route', () => {
      const images = join(repo.fake, 'images');
      mkdirSync(join(images, 'image-api'), { recursive: true });
      writeFileSync(join(images, 'image-api', 'image.tar'), '');
      writeFileSync(join(repo.fake, 'present'), `${imageRepository(model, 'api')}:latest\n`);
      writeFileSync(join(repo.fake, 'ps'), serviceNames(model).map((n) => `${n} running healthy`).join('\n') + '\nredis running healthy\n');
      const r = repo.run('ci/smoke.sh', [images]);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const log = repo.log();
      assert.ok(log.includes(`docker load --input ${join(images, 'image-api', 'image.tar')}`));
      assert.ok(log.includes(`docker compose -f compose.yaml build ${serviceNames(model).filter((n) => n !== 'api').join(' ')}`));
      assert.ok(log.includes('docker compose -f compose.yaml up --detach --no-build --wait --wait-timeout 300'));
      assert.deepEqual(log.filter((l) => l.startsWith('curl ')), publicRoutes());
      assert.ok(publicRoutes().length > 0);
    });

    it('fails when a route does not answer or a container is not healthy; --logs prints every container\'s logs', () => {
      const route = publicRoutes()[0]!.slice('curl '.length);
      let r = repo.run('ci/smoke.sh', [], { FAIL_URL: route, SMOKE_TRIES: '2', SMOKE_DELAY: '0' });
      assert.equal(r.status, 1);
      assert.match(r.stderr, new RegExp(`failed: \\w+ ${route.replace(/[.?*+]/g, '\\$&')}`));
      writeFileSync(join(repo.fake, 'ps'), 'worker exited \n');
      r = repo.run('ci/smoke.sh', [], {});
      assert.equal(r.status, 1);
      assert.match(r.stdout, /not running: worker exited/);
      r = repo.run('ci/smoke.sh', ['--logs']);
      assert.equal(r.status, 0);
      assert.ok(repo.log().includes('docker compose -f compose.yaml logs --no-color --timestamps'));
    });
  });

  describe('tag.sh', () => {
    it('tags every image not rebuilt with the commit\'s tag, on the digest the branch points at', () => {
      const api = imageRepository(model, 'api');
      writeFileSync(join(repo.fake, 'tags'), `${api}:sha-abc1234 ${digestOf('a')}\n`);
      const r = repo.run('ci/tag.sh', ['sha-abc1234', 'main']);
      assert.equal(r.status, 0, r.stderr);
      const creates = repo.log().filter((l) => l.startsWith('docker buildx imagetools create'));
      assert.deepEqual(
        creates,
        serviceNames(model)
          .filter((n) => n !== 'api')
          .map((n) => `docker buildx imagetools create --tag ${imageRepository(model, n)}:sha-abc1234 ${imageRepository(model, n)}:main`),
      );
    });
  });

  describe('deploy.sh', () => {
    const names = serviceNames(model);
    /** api's digest from the build's record, the others from the commit's tag. */
    function digests(): { dir: string; expected: Record<string, string> } {
      const dir = join(repo.fake, 'digests');
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      const expected: Record<string, string> = {};
      const tags: string[] = [];
      names.forEach((n, i) => {
        const d = digestOf(String.fromCharCode(97 + i));
        expected[n] = `${imageRepository(model, n)}@${d}`;
        if (n === 'api') writeFileSync(join(dir, n), `${expected[n]}\n`);
        else tags.push(`${imageRepository(model, n)}:sha-abc1234 ${d}`);
      });
      // The tag of api points elsewhere: the build's record wins.
      tags.push(`${imageRepository(model, 'api')}:sha-abc1234 ${digestOf('f')}`);
      writeFileSync(join(repo.fake, 'tags'), tags.join('\n') + '\n');
      return { dir, expected };
    }
    /** The image of every container of our services in what was applied. */
    function appliedImages(): Record<string, string> {
      const out: Record<string, string> = {};
      for (const doc of parseAllDocuments(readFileSync(join(repo.fake, 'applied.yaml'), 'utf8'))) {
        const o = doc.toJS() as any;
        if (o?.kind !== 'Deployment') continue;
        for (const c of o.spec.template.spec.containers) {
          const svc = names.find((n) => c.image.startsWith(`${imageRepository(model, n)}@`) || c.image.startsWith(`${imageRepository(model, n)}:`));
          if (svc) out[svc] = c.image;
        }
      }
      return out;
    }

    for (const tool of ['kustomize', 'helm', 'manifests'] as const) {
      describe(tool, () => {
        let toolRepo: Repo;
        before(() => {
          toolRepo = tool === 'kustomize' ? repo : generate({ ...model, delivery: { previews: true, deployTool: tool } });
        });
        after(() => {
          if (toolRepo !== repo) rmSync(toolRepo.root, { recursive: true, force: true });
        });
        const use = () => {
          if (toolRepo !== repo) {
            for (const f of ['tags', 'digests']) spawnSync('cp', ['-R', join(repo.fake, f), toolRepo.fake]);
            rmSync(join(toolRepo.fake, 'applied.yaml'), { force: true });
            rmSync(join(toolRepo.fake, 'log'), { force: true });
          }
          return toolRepo;
        };

        it('staging: every image by the digest its build produced (else its commit tag), rollout, smoke test', () => {
          const { dir, expected } = digests();
          const r = use().run('ci/deploy.sh', ['staging', '--digests', dir, '--tag', 'sha-abc1234']);
          assert.equal(r.status, 0, r.stdout + r.stderr);
          const applied = (toolRepo === repo ? appliedImagesFrom(repo) : appliedImagesFrom(toolRepo));
          assert.deepEqual(applied, expected);
          const log = toolRepo.log();
          assert.ok(log.some((l) => /rollout status deployment\//.test(l)));
          for (const n of names.filter((x) => model.services[x]!.port !== null))
            assert.ok(log.some((l) => l.startsWith('curl http://127.0.0.1:')), n);
          if (tool === 'helm') assert.ok(log.some((l) => l.startsWith(`helm upgrade --install ${model.name} deploy/helm/${model.name} --namespace ${model.name}-staging`)));
        });

        it('rolls back when the rollout fails', () => {
          const { dir } = digests();
          const r = use().run('ci/deploy.sh', ['staging', '--digests', dir, '--tag', 'sha-abc1234'], { FAIL_ROLLOUT: '1' });
          assert.equal(r.status, 1);
          assert.match(r.stderr, /rolled back/);
          const log = toolRepo.log();
          if (tool === 'helm') assert.ok(log.some((l) => l.startsWith(`helm rollback ${model.name} --namespace ${model.name}-staging`)));
          else assert.ok(log.some((l) => / rollout undo deployment\//.test(l)));
        });

        it('refuses a digest record for another image, and a service with no digest at all', () => {
          const { dir } = digests();
          writeFileSync(join(dir, 'api'), `ghcr.io/evil/api@${digestOf('e')}\n`);
          let r = use().run('ci/deploy.sh', ['staging', '--digests', dir, '--tag', 'sha-abc1234']);
          assert.equal(r.status, 1);
          assert.match(r.stderr, /not .*api@sha256:<digest>/);
          r = use().run('ci/deploy.sh', ['staging', '--tag', 'sha-0000000']);
          assert.equal(r.status, 1);
          assert.match(r.stderr, /no digest for \w+/);
        });
      });
    }

    function appliedImagesFrom(r: Repo): Record<string, string> {
      const saved = repo;
      repo = r;
      try {
        return appliedImages();
      } finally {
        repo = saved;
      }
    }

    it('production: promotes the release tag onto the same digests', () => {
      const { expected } = digests();
      writeFileSync(join(repo.fake, 'tags'), names.map((n) => `${imageRepository(model, n)}:sha-abc1234 ${expected[n]!.split('@')[1]}`).join('\n') + '\n');
      const r = repo.run('ci/deploy.sh', ['production', '--tag', 'sha-abc1234', '--promote', 'v1.2.0']);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.deepEqual(appliedImages(), expected);
      assert.deepEqual(
        repo.log().filter((l) => l.startsWith('docker buildx imagetools create')),
        names.map((n) => `docker buildx imagetools create --tag ${imageRepository(model, n)}:v1.2.0 ${expected[n]}`),
      );
    });

    it('blue/green production: deploys by digest to the stack without traffic, waits, smoke-tests, then switch.sh moves the traffic to it', () => {
      const bg = generate({ ...model, delivery: { previews: true, blueGreen: true } });
      try {
        const { dir, expected } = digests();
        for (const f of ['tags', 'digests']) spawnSync('cp', ['-R', join(repo.fake, f), bg.fake]);
        const r = bg.run('ci/deploy.sh', ['production', '--digests', dir, '--tag', 'sha-abc1234']);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.deepEqual(appliedImagesFrom(bg), expected);
        const docs = parseAllDocuments(readFileSync(join(bg.fake, 'applied.yaml'), 'utf8')).map((d) => d.toJS() as any);
        // No front yet (the fake cluster answers no externalName): the idle stack is blue.
        for (const o of docs) assert.equal(o.metadata.namespace, `${model.name}-blue`, `${o.kind} ${o.metadata.name}`);
        assert.ok(!docs.some((o) => o.kind === 'Ingress'), 'the stacks have no Ingress: the front routes to them');
        const log = bg.log();
        const waited = log.findIndex((l) => l.startsWith(`kubectl --namespace ${model.name}-blue rollout status`));
        const switched = log.findIndex((l) => l.includes(`--namespace ${model.name} patch service`));
        assert.ok(waited >= 0 && switched > waited, 'the traffic moves after the rollout and the smoke test');
        assert.match(log[switched]!, new RegExp(`web\\.${model.name}-blue\\.svc\\.cluster\\.local`));
      } finally {
        rmSync(bg.root, { recursive: true, force: true });
      }
    });

    it('a preview: namespace pr-<n> with its own Secrets and hosts under the preview domain, then torn down', () => {
      const { dir, expected } = digests();
      const out = join(repo.fake, 'output');
      const r = repo.run('ci/deploy.sh', ['preview', '--pr', '7', '--domain', 'preview.example.net', '--digests', dir, '--tag', 'sha-abc1234'], { GITHUB_OUTPUT: out });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.deepEqual(appliedImages(), expected);
      const docs = parseAllDocuments(readFileSync(join(repo.fake, 'applied.yaml'), 'utf8')).map((d) => d.toJS() as any);
      for (const o of docs) if (o.metadata.namespace) assert.equal(o.metadata.namespace, 'pr-7', `${o.kind} ${o.metadata.name}`);
      const hosts = docs.filter((o) => o.kind === 'Ingress').flatMap((o) => o.spec.rules.map((rule: any) => rule.host));
      assert.ok(hosts.length > 0);
      for (const h of hosts) assert.match(h, /\.pr-7\.preview\.example\.net$/);
      const log = repo.log();
      assert.ok(log.includes('kubectl create namespace pr-7'));
      assert.ok(!log.some((l) => / create secret /.test(l)), 'this model reads no Secret');
      assert.match(readFileSync(out, 'utf8'), /^url=https:\/\/\w+\.pr-7\.preview\.example\.net$/m);

      const t = repo.run('ci/deploy.sh', ['preview', '--pr', '7', '--teardown']);
      assert.equal(t.status, 0, t.stderr);
      assert.ok(repo.log().includes('kubectl delete namespace pr-7 --ignore-not-found --wait=true --timeout=5m'));
    });

    it('a preview creates the Secrets staging reads, with random values', () => {
      const shop = generate({ ...nodeRedis, delivery: { previews: true } });
      try {
        writeFileSync(join(shop.fake, 'tags'), `${imageRepository(nodeRedis, 'web')}:main ${digestOf('9')}\n`);
        const r = shop.run('ci/deploy.sh', ['preview', '--pr', '12', '--domain', 'preview.example.net', '--fallback-tag', 'main']);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        const created = shop.log().filter((l) => l.startsWith('kubectl --namespace pr-12 create secret generic '));
        const expected = planKubernetes(nodeRedis).environments.staging.secrets;
        assert.equal(created.length, expected.length);
        for (const s of expected) {
          assert.ok(created.some((l) => new RegExp(` generic ${s.name} --from-env-file=\\S+$`).test(l)), s.name);
          const values = readFileSync(join(shop.fake, `secret-${s.name}`), 'utf8');
          assert.deepEqual(values.trim().split('\n').map((l) => l.split('=')[0]), s.keys);
          for (const line of values.trim().split('\n')) {
            const value = line.split('=')[1]!;
            assert.match(value, /^[0-9a-f]{48}$/);
            assert.ok(!(r.stdout + r.stderr).includes(value), 'a random value reached the log');
          }
        }
      } finally {
        rmSync(shop.root, { recursive: true, force: true });
      }
    });
  });
});
