/**
 * End to end: the plain Kubernetes manifests the generator writes for
 * examples/taskboard really run. The generator runs on a copy of the example
 * (in process, all stages); the generated deploy script renders the staging
 * overlay with a tag of this run (`deploy.sh staging --tag e2e-<pid>
 * --dry-run`, which runs `kubectl kustomize`); each service image is built
 * with podman from its generated Dockerfile under the exact name that
 * rendering references; the rendering is adapted for `podman kube play`
 * (./kube-helpers.ts, whose changes the test prints) and played on a podman
 * network; then the pods are checked against the manifests and the
 * application is used.
 *
 * What this proves: the rendered pod specs run as written (the image names
 * and the tag the overlay and script set; the env from the generated
 * ConfigMaps; the non-root users and groups, no capabilities, no privilege
 * escalation, read-only root filesystems with only the pod's own emptyDirs
 * writable; the resource limits; the backing service's image, user and
 * port); every probe path and port of the manifests answers; the hostnames
 * the code uses reach the right pods; the web UI answers and a task created
 * through it is processed by the worker through Redis, with stats counting it.
 *
 * What it does not prove (podman kube play 4.3 is not a cluster; see the
 * adaptation in kube-helpers.ts): Services and cluster DNS (pods are named
 * after the Services instead), NetworkPolicies (the default deny and its
 * allows), the Ingress, ServiceAccounts, autoscaling and disruption budgets,
 * replicas > 1, PersistentVolumeClaims (played as emptyDirs), the kubelet
 * running the probes (the test performs each probe's request itself; podman
 * turns liveness probes into healthchecks it cannot schedule without
 * systemd), fsGroup, the Pod Security admission itself, and production's
 * external database (an ExternalName with a placeholder host). Those are
 * covered by test/kubernetes: strict schemas, checkRules and agreement with
 * the Helm chart.
 *
 * KEEP_E2E=1 keeps the pods, network, images and temp folder for inspection.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTAINER_UID } from '../../lib/model/derive.js';
import { CONFIG_KEY, type StackModel } from '../../lib/model/types.js';
import { CATALOG } from '../../lib/catalog/index.js';
import { checkRules, validateManifests, type K8sObject } from '../../lib/validate/k8s.js';
import { kubectlAvailable, kubectlPath, KUBECTL_SKIP, kustomize, ruleOptions } from '../kubernetes/kustomize.js';
import { parseManifests } from '../../lib/validate/helm.js';
import { REPO_ROOT } from '../helpers/tree.js';
import { runGenerator } from '../helpers/run.js';
import { adaptForKubePlay, imageIds, type Adapted } from './kube-helpers.js';
import { builtImageIds, freePort, http, imageExists, podman, podmanAvailable, run, waitFor, EXAMPLE_BASE_IMAGES as BASE_IMAGES } from './podman.js';

const RUN_ID = `${process.pid}`;
const NETWORK = `e2e-kube-${RUN_ID}`;
const TAG = `e2e-${RUN_ID}`;

/** A Kubernetes quantity as a number: 500m → 0.5, 256Mi → 268435456, 1 → 1. */
function quantity(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|k|M|G)?$/.exec(String(q));
  if (!m) throw new Error(`quantity ${q}`);
  const unit: Record<string, number> = { m: 1e-3, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9 };
  return Number(m[1]) * (m[2] ? unit[m[2]]! : 1);
}

/** A TCP connect to 127.0.0.1:port, as a tcpSocket probe does; retried until `timeoutMs`. */
async function tcpAnswers(port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.end();
        resolve(true);
      });
      s.on('error', (e) => {
        last = e.message;
        resolve(false);
      });
      s.setTimeout(3000, () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`127.0.0.1:${port}: no TCP answer after ${timeoutMs} ms (${last})`);
}

describe('kubernetes manifests, end to end (podman kube play)', function () {
  let work = '';
  let app = '';
  let model: StackModel;
  let docs: K8sObject[] = [];
  let adapted: Adapted;
  let playFile = '';
  let played = false;
  let networkMade = false;
  const tags: string[] = [];
  /** Layer images our builds created (printed by buildah and absent before). */
  const layers: string[] = [];
  let before0 = new Set<string>();
  /** podman builds its pods' infra image (localhost/podman-pause) on first use: removed after if this run made it. */
  let pauseBefore = '';

  before(async function () {
    if (!(await podmanAvailable())) throw new Error('podman is not available: run scripts/setup/podman.sh');
    if (!kubectlAvailable()) throw new Error(KUBECTL_SKIP);
    const missing: string[] = [];
    for (const ref of BASE_IMAGES) if (!(await imageExists(ref))) missing.push(ref);
    if (missing.length) throw new Error(`stand-in base images missing (${missing.join(', ')}): run scripts/e2e/base-images.sh`);
    work = mkdtempSync(join(tmpdir(), 'e2e-kube-'));
    // The folder name is the detected application name: keep it "taskboard".
    app = join(work, 'taskboard');
    cpSync(join(REPO_ROOT, 'examples', 'taskboard'), app, { recursive: true, filter: (src) => !/(^|\/)(node_modules|__pycache__)(\/|$)/.test(src) });
    before0 = await imageIds();
    pauseBefore = (await podman(['images', '--quiet', '--filter', 'reference=localhost/podman-pause'])).stdout.trim();
  });

  after(async function () {
    this.timeout(300_000);
    if (process.env.KEEP_E2E) {
      console.log(`      KEEP_E2E: kept ${work}, ${playFile} (podman kube down it), network ${NETWORK}, images ${tags.join(' ')}`);
      return;
    }
    const problems: string[] = [];
    const quiet = async (args: string[]) => {
      const r = await podman(args, { allowFail: true, timeoutMs: 180_000 });
      if (r.code !== 0 && !/no such|not known|not found/i.test(r.stderr)) problems.push(`podman ${args.join(' ')}: ${r.stderr.trim()}`);
    };
    if (played) await quiet(['kube', 'down', playFile]);
    // kube down removes the emptyDir volumes with their last container; make sure.
    for (const v of adapted?.pods.flatMap((p) => p.volumes) ?? []) await quiet(['volume', 'rm', '-f', v]);
    if (networkMade) await quiet(['network', 'rm', '-f', NETWORK]);
    for (const t of tags) await quiet(['rmi', t]);
    // Layers: children before parents; a few passes settle the order.
    let left = layers.filter((id) => !before0.has(id));
    for (let pass = 0; pass < 5 && left.length; pass++) {
      const next: string[] = [];
      for (const id of left) if ((await podman(['rmi', id], { allowFail: true })).code !== 0 && (await podman(['image', 'exists', id], { allowFail: true })).code === 0) next.push(id);
      left = next;
    }
    if (left.length) problems.push(`layer images left: ${left.join(' ')}`);
    if (!pauseBefore) {
      const pause = (await podman(['images', '--quiet', '--filter', 'reference=localhost/podman-pause'], { allowFail: true })).stdout.trim();
      // In use by someone else's pod: leave it (rmi refuses).
      if (pause) await podman(['rmi', ...new Set(pause.split('\n'))], { allowFail: true });
    }
    if (work) rmSync(work, { recursive: true, force: true });
    if (problems.length) console.log(`      cleanup problems:\n        ${problems.join('\n        ')}`);
  });

  it('the generator writes the manifests and deploy scripts for the example; each overlay renders and passes the schemas and rules', async () => {
    await runGenerator('app').cd(app).withOptions({ yes: true } as Record<string, unknown>);
    model = JSON.parse(readFileSync(join(app, '.yo-rc.json'), 'utf8'))[CONFIG_KEY] as StackModel;
    for (const dir of ['base', 'overlays/staging', 'overlays/production']) {
      const rendered = kustomize(join(app, 'deploy', 'kubernetes', dir));
      assert.deepEqual([...validateManifests(rendered), ...checkRules(rendered, ruleOptions(model))], [], dir);
    }
  });

  it('deploy.sh staging --tag --dry-run renders the staging overlay with every image at that tag', async () => {
    // The played manifests are what the deploy script would apply to staging, with a tag of
    // this run's own (so the images built below are this run's alone).
    const r = await run('bash', [join(app, 'deploy', 'scripts', 'deploy.sh'), 'staging', '--tag', TAG, '--dry-run'], { env: { ...process.env, KUBECTL: kubectlPath() } });
    docs = parseManifests(r.stdout) as K8sObject[];
    assert.deepEqual([...validateManifests(docs), ...checkRules(docs, ruleOptions(model))], []);
    const images = docs.filter((d) => d.kind === 'Deployment').map((d) => (d.spec as any).template.spec.containers[0].image);
    assert.deepEqual(images.sort(), Object.keys(model.services).sort().map((s) => `${model.registry}/${model.name}-${s}:${TAG}`));
  });

  it('builds each service image from its generated Dockerfile, under the name the manifests use', async function () {
    const images = new Map<string, string>();
    for (const d of docs.filter((x) => x.kind === 'Deployment')) {
      const c = (d.spec as any).template.spec.containers[0];
      images.set(c.name, c.image);
    }
    assert.deepEqual([...images.keys()].sort(), Object.keys(model.services).sort());
    for (const [svc, image] of images) {
      const r = await podman(['build', '--pull=never', '-t', image, model.services[svc]!.path], {
        cwd: app,
        env: { ...process.env, BUILDAH_FORMAT: 'docker' },
        allowFail: true,
      });
      layers.push(...builtImageIds(r.stdout));
      if (r.code === 0) tags.push(image);
      assert.equal(r.code, 0, `${svc}: podman build -t ${image} failed\n${r.stderr.slice(-2000)}`);
    }
  });

  it('plays the staging rendering with podman kube play: one pod per workload, each named as its hostname', async () => {
    adapted = await adaptForKubePlay(docs, freePort, `e2e-kube-${RUN_ID}`);
    console.log(`      adaptation for podman kube play:\n        ${adapted.changes.join('\n        ')}`);
    playFile = join(work, 'kube-play.yaml');
    writeFileSync(playFile, adapted.yaml);
    await podman(['network', 'create', NETWORK]);
    networkMade = true;
    played = true;
    const r = await podman(['kube', 'play', '--network', NETWORK, playFile], { allowFail: true, timeoutMs: 300_000 });
    assert.equal(r.code, 0, `podman kube play failed:\n${r.stdout}\n${r.stderr}`);
    const expected = [...Object.keys(model.backing), ...Object.keys(model.services)].sort();
    assert.deepEqual(adapted.pods.map((p) => p.name).sort(), expected, 'a pod per service and backing service, named as the code calls it');
    const ps = await podman(['pod', 'ps', '--filter', `network=${NETWORK}`, '--format', '{{.Name}} {{.Status}}']);
    for (const name of expected) assert.match(ps.stdout, new RegExp(`^${name} Running$`, 'm'), ps.stdout);
  });

  it('every container runs as the manifests say: user and group, no capabilities, read-only root with its own emptyDirs, limits, ConfigMap env, 127.0.0.1 ports', async () => {
    for (const pod of adapted.pods) {
      for (const [i, container] of pod.containers.entries()) {
        const spec = pod.spec.containers[i];
        const uid = spec.securityContext.runAsUser as number;
        const own = pod.name in model.services;
        assert.equal(uid, own ? CONTAINER_UID : CATALOG[model.backing[pod.name]!.kind].uid, `${container}: runAsUser`);
        // Every process, by its host pid (rootful podman, no user namespace: host ids are the container's).
        const top = await podman(['top', container, 'hpid']);
        const pids = top.stdout.trim().split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
        assert.ok(pids.length > 0, `${container}: no process`);
        for (const pid of pids) {
          const status = readFileSync(`/proc/${pid}/status`, 'utf8');
          const ids = (key: string) => /^\S+:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(status.split('\n').find((l) => l.startsWith(`${key}:`)) ?? '')!.slice(1).map(Number);
          assert.deepEqual(new Set(ids('Uid')), new Set([uid]), `${container}: process ${pid} uids ${ids('Uid')}, expected ${uid}`);
          assert.deepEqual(new Set(ids('Gid')), new Set([spec.securityContext.runAsGroup]), `${container}: process ${pid} gids ${ids('Gid')}`);
          // capabilities.drop [ALL] and allowPrivilegeEscalation: false, as the kernel sees them.
          assert.match(status, /^CapEff:\s+0+$/m, `${container}: process ${pid} has effective capabilities`);
          assert.match(status, /^NoNewPrivs:\s+1$/m, `${container}: process ${pid} may gain privileges`);
        }
        const inspect = JSON.parse((await podman(['inspect', container])).stdout)[0];
        assert.equal(inspect.HostConfig.ReadonlyRootfs, spec.securityContext.readOnlyRootFilesystem, `${container}: read-only root filesystem`);
        // The only writable folders are the emptyDirs, each a volume of this pod alone.
        const mounts = (inspect.Mounts as { Name: string; Destination: string }[]).map((m) => `${m.Destination} ${m.Name}`).sort();
        const volumeOf = new Map<string, string>((pod.spec.volumes ?? []).map((v: any) => [v.name, v.name]));
        assert.deepEqual(mounts, (spec.volumeMounts as { name: string; mountPath: string }[]).map((m) => `${m.mountPath} ${volumeOf.get(m.name)}`).sort(), `${container}: mounts`);
        for (const m of mounts) assert.ok(pod.volumes.includes(m.split(' ')[1]!), `${container}: ${m} is not one of the pod's own volumes`);
        // resources.limits, as podman applies them.
        assert.equal(inspect.HostConfig.Memory, quantity(spec.resources.limits.memory), `${container}: memory limit`);
        assert.equal(inspect.HostConfig.NanoCpus, quantity(spec.resources.limits.cpu) * 1e9, `${container}: cpu limit`);
        // Published on 127.0.0.1 only.
        for (const bindings of Object.values((inspect.NetworkSettings?.Ports ?? {}) as Record<string, { HostIp: string }[] | null>))
          for (const b of bindings ?? []) assert.equal(b.HostIp, '127.0.0.1', `${container}: a port published on ${b.HostIp}`);
        const env = new Set<string>(inspect.Config.Env);
        const cmName = spec.envFrom?.[0]?.configMapRef?.name as string | undefined;
        if (cmName) {
          const cm = docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.name === cmName)!;
          for (const [k, v] of Object.entries((cm.data as Record<string, string>) ?? {})) assert.ok(env.has(`${k}=${v}`), `${container}: ${k}=${v} from ConfigMap ${cmName} is not in its env`);
        }
      }
    }
  });

  it('each probe of the manifests answers: HTTP paths and TCP ports, through the published ports', async () => {
    const checked: string[] = [];
    for (const pod of adapted.pods)
      for (const c of pod.spec.containers as any[])
        for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          const probe = c[kind];
          if (!probe) continue;
          if (probe.exec) {
            // An exec probe (a backing service's own health command): run in its container until it succeeds.
            const container = `${pod.name}-${c.name}`;
            const deadline = Date.now() + 120_000;
            let r = await podman(['exec', container, ...probe.exec.command], { allowFail: true });
            while (r.code !== 0 && Date.now() < deadline) {
              await new Promise((res) => setTimeout(res, 2000));
              r = await podman(['exec', container, ...probe.exec.command], { allowFail: true });
            }
            assert.equal(r.code, 0, `${pod.name}: ${kind} ${probe.exec.command.join(' ')}: ${r.stderr}`);
            checked.push(`${pod.name} ${kind} exec ${probe.exec.command.at(-1)}`);
            continue;
          }
          const ref = probe.httpGet?.port ?? probe.tcpSocket?.port;
          const port = pod.ports.find((p) => p.container === c.name && (p.name === ref || p.containerPort === ref));
          assert.ok(port, `${pod.name}: ${kind} port ${ref} is not published`);
          if (probe.httpGet) await waitFor(`http://127.0.0.1:${port.hostPort}${probe.httpGet.path}`, { timeoutMs: 90_000 });
          else await tcpAnswers(port.hostPort);
          checked.push(`${pod.name} ${kind} ${probe.httpGet ? `GET ${probe.httpGet.path}` : `tcp ${port.containerPort}`}`);
        }
    console.log(`      probes answered: ${checked.join('; ')}`);
    for (const [name, svc] of Object.entries(model.services)) if (svc.port !== null) assert.ok(checked.some((c) => c.startsWith(`${name} livenessProbe`)), `${name}: no liveness probe checked`);
  });

  it('the web UI answers, and a task created through it is processed by the worker (via Redis) and counted by stats', async () => {
    const webPod = adapted.pods.find((p) => p.name === 'web')!;
    const web = `http://127.0.0.1:${webPod.ports[0]!.hostPort}`;
    await waitFor(`${web}/healthz`, { timeoutMs: 90_000 });
    assert.equal((await waitFor(`${web}/`, { timeoutMs: 30_000 })).status, 200);
    const created = await http(`${web}/api/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'kube play task' }) });
    assert.equal(created.status, 201, created.body);
    const task = JSON.parse(created.body) as { id: number };
    const done = await waitFor(`${web}/api/tasks/${task.id}`, { timeoutMs: 60_000, accept: (a) => a.status === 200 && JSON.parse(a.body).status === 'done' });
    assert.equal(JSON.parse(done.body).title, 'kube play task');
    const stats = JSON.parse((await waitFor(`${web}/api/stats`, { timeoutMs: 30_000 })).body) as { processed: number };
    assert.ok(stats.processed >= 1, `stats: ${JSON.stringify(stats)}`);
    const page = await http(`${web}/`);
    assert.equal(page.status, 200);
    assert.match(page.body, /kube play task/);
  });
});
