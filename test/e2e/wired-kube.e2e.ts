/**
 * End to end: the wired shop (test/fixtures/e2e/wired) reaches its backing services from
 * the Kubernetes output the generator writes, both renderings of it:
 *   - kustomize: the staging overlay as `deploy.sh staging --tag <run> --dry-run` renders it;
 *   - Helm: `helm template` of the chart with values-staging.yaml and the same tag.
 * Each rendering is adapted for `podman kube play` (./kube-helpers.ts: Services become pod
 * names, StatefulSet claims emptyDirs, ports on 127.0.0.1; the Secrets a user would create
 * are given as the values this test makes, and `$(NAME)` references are expanded as the
 * kubelet does, both printed) and played on a podman network of its own. Then notes and
 * orders answer `GET /roundtrip` with every backing service "ok": the wired env (URLs with
 * the password composed from the backing service's Secret, DB_* families, the database and
 * user the StatefulSets were started with) works with real client libraries, and the
 * backing StatefulSets run as their images' users on read-only roots (postgres, redis,
 * mariadb) with only their emptyDirs writable.
 *
 * Not proven here (podman kube play is not a cluster): Services and cluster DNS,
 * NetworkPolicies, the kubelet's own expansion and Secret mounting (emulated by the
 * adaptation, whose rules are Kubernetes' documented ones), fsGroup, probes.
 *
 * KEEP_E2E=1 keeps the pods, networks, images and temp folder.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifests, renderChart } from '../../lib/validate/helm.js';
import type { K8sObject } from '../../lib/validate/k8s.js';
import { REPO_ROOT } from '../helpers/tree.js';
import { kubectlAvailable, kubectlPath, KUBECTL_SKIP } from '../kubernetes/kustomize.js';
import { adaptForKubePlay, type Adapted } from './kube-helpers.js';
import { freePort, imageExists, podman, podmanAvailable, run, waitFor, WIRED_BASE_IMAGES } from './podman.js';
import { allOk, ROUNDTRIPS, USER_CHOICES } from './wired-fixture.js';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'e2e', 'wired');
const BIN = join(REPO_ROOT, 'dist', 'bin', 'containerize.js');
const RUN_ID = `${process.pid}`;
const TAG = `e2e-${RUN_ID}`;
const ENV = { ...process.env, BUILDAH_FORMAT: 'docker' };

describe('wired shop on the Kubernetes output (podman kube play): kustomize staging and helm template staging', function () {
  let work = '';
  let dir = '';
  let helmDir = '';
  const images: string[] = [];
  /** The Secrets a user would create: one password per backing service, made here. */
  const secrets: Record<string, Record<string, string>> = {};

  /** The model's services (.yo-rc.json), processes of another service's image included. */
  const appServices = (): string[] => Object.keys(JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-containerize'].services).sort();

  before(async function () {
    if (!(await podmanAvailable())) throw new Error('podman is not available: run scripts/setup/podman.sh');
    if (!kubectlAvailable()) throw new Error(KUBECTL_SKIP);
    const missing: string[] = [];
    for (const ref of WIRED_BASE_IMAGES) if (!(await imageExists(ref))) missing.push(ref);
    if (missing.length) throw new Error(`stand-in base images missing (${missing.join(', ')}): run scripts/e2e/base-images.sh`);
    work = mkdtempSync(join(tmpdir(), 'wired-kube-'));
    dir = join(work, 'shop');
    cpSync(FIXTURE, dir, { recursive: true, filter: (src) => !/(^|\/)node_modules(\/|$)/.test(src) });
    const r = await run(process.execPath, [BIN, '--yes', ...USER_CHOICES.flatMap((s) => ['--set', s])], { cwd: dir, allowFail: true });
    assert.equal(r.code, 0, r.stderr);
    // Only the chosen deployment tool is written (kustomize by default): the chart comes from the
    // same repository generated with --deploy-tool helm.
    helmDir = join(work, 'helm', 'shop');
    cpSync(FIXTURE, helmDir, { recursive: true, filter: (src) => !/(^|\/)node_modules(\/|$)/.test(src) });
    const h = await run(process.execPath, [BIN, '--yes', '--deploy-tool', 'helm', ...USER_CHOICES.flatMap((s) => ['--set', s])], { cwd: helmDir, allowFail: true });
    assert.equal(h.code, 0, h.stderr);
    for (const b of ['postgres', 'redis', 'mysql', 'rabbitmq']) secrets[`shop-${b}`] = { password: randomBytes(16).toString('hex') };
    // The images the manifests name, built from the generated Dockerfiles.
    for (const svc of Object.keys(ROUNDTRIPS)) {
      const image = `localhost/shop-${svc}:${TAG}`;
      const b = await podman(['build', '--pull=never', '-t', image, svc], { cwd: dir, env: ENV, allowFail: true });
      assert.equal(b.code, 0, `${svc}: podman build failed\n${b.stderr.slice(-2000)}`);
      images.push(image);
    }
  });

  after(async function () {
    this.timeout(300_000);
    if (process.env.KEEP_E2E) return console.log(`      KEEP_E2E: kept ${work} and images ${images.join(' ')}`);
    for (const i of images) await podman(['rmi', i], { allowFail: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const renderings: [string, () => Promise<K8sObject[]>][] = [
    [
      'kustomize (deploy.sh staging --tag --dry-run)',
      async () => {
        const r = await run('bash', [join(dir, 'deploy', 'scripts', 'deploy.sh'), 'staging', '--tag', TAG, '--dry-run'], { env: { ...process.env, KUBECTL: kubectlPath() } });
        return parseManifests(r.stdout) as K8sObject[];
      },
    ],
    [
      'helm template -f values-staging.yaml',
      async () =>
        renderChart(join(helmDir, 'deploy', 'helm', 'shop'), {
          valuesFiles: ['values-staging.yaml'],
          set: ['tests.enabled=false'],
          // Every service's tag, the processes of notes' image (notes-worker, notes-release) too.
          setString: appServices().map((s) => `services.${s}.image.tag=${TAG}`),
        }) as K8sObject[],
    ],
  ];

  for (const [title, render] of renderings) {
    describe(title, function () {
      const network = `e2e-wired-${RUN_ID}-${title.startsWith('helm') ? 'helm' : 'kust'}`;
      let adapted: Adapted | undefined;
      let playFile = '';
      let played = false;

      before(async function () {
        const docs = await render();
        playFile = join(work, `${network}.yaml`);
        await podman(['network', 'create', network]);
        played = true;
        // A host port found free can be taken by another process before kube play binds it:
        // then play again with other ports (at most three times).
        let r = { code: 1, stdout: '', stderr: '' };
        for (let attempt = 1; attempt <= 3; attempt++) {
          adapted = await adaptForKubePlay(docs, freePort, network, secrets);
          if (attempt === 1) console.log(`      adaptation for podman kube play:\n        ${adapted.changes.join('\n        ')}`);
          writeFileSync(playFile, adapted.yaml);
          r = await podman(['kube', 'play', '--network', network, playFile], { allowFail: true, timeoutMs: 300_000 });
          if (r.code === 0 || !/address already in use/.test(r.stdout + r.stderr)) break;
          await podman(['kube', 'down', playFile], { allowFail: true, timeoutMs: 180_000 });
        }
        assert.equal(r.code, 0, `podman kube play failed:\n${r.stdout}\n${r.stderr}`);
      });

      after(async function () {
        this.timeout(300_000);
        if (process.env.KEEP_E2E || !played) return;
        await podman(['kube', 'down', playFile], { allowFail: true, timeoutMs: 180_000 });
        for (const v of adapted?.pods.flatMap((p) => p.volumes) ?? []) await podman(['volume', 'rm', '-f', v], { allowFail: true });
        await podman(['network', 'rm', '-f', network], { allowFail: true });
      });

      for (const [svc, backings] of Object.entries(ROUNDTRIPS)) {
        it(`${svc} answers /roundtrip with ${backings.map((b) => `${b} "ok"`).join(' and ')}`, async function () {
          const pod = adapted!.pods.find((p) => p.name === svc);
          assert.ok(pod, `no pod ${svc}: ${adapted!.pods.map((p) => p.name).join(', ')}`);
          const url = `http://127.0.0.1:${pod.ports[0]!.hostPort}`;
          const answer = await waitFor(`${url}/roundtrip`, { timeoutMs: 240_000, accept: (a) => allOk(a, backings) }).catch(async (err: Error) => {
            const log = await podman(['logs', '--tail', '20', `${svc}-${svc}`], { allowFail: true });
            return assert.fail(`${err.message}\n--- ${svc} log\n${log.stdout}${log.stderr}`);
          });
          assert.deepEqual(JSON.parse(answer.body), Object.fromEntries(backings.map((b) => [b, 'ok'])));
        });
      }
    });
  }
});
