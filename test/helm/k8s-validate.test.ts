/**
 * The Kubernetes validators themselves (lib/validate/k8s.ts), on small
 * hand-written documents: each rule must catch what it claims to catch, so a
 * green chart test means something. No helm binary needed.
 */
import assert from 'node:assert/strict';
import { checkRules, validateManifests, type K8sObject } from '../../lib/validate/k8s.js';

const UID = 10001;
const labels = { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': 'web' };

/** A Deployment, Service, ServiceAccount and ConfigMap that pass every rule. */
function good(): K8sObject[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'demo-web', labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: 'demo-web',
            securityContext: { runAsNonRoot: true, runAsUser: UID, runAsGroup: UID, fsGroup: UID, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'web',
                image: 'ghcr.io/acme/demo-web:1.0.0',
                ports: [{ name: 'http', containerPort: 3000, protocol: 'TCP' }],
                envFrom: [{ configMapRef: { name: 'demo-web' } }],
                env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'demo-web-secrets', key: 'TOKEN' } } }],
                livenessProbe: { tcpSocket: { port: 'http' } },
                readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
                resources: { requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' }, limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '1Gi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  runAsUser: UID,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', labels },
      spec: { selector: labels, ports: [{ name: 'http', port: 3000, targetPort: 'http' }] },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'demo-web' }, automountServiceAccountToken: false },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo-web' }, data: { PORT: '3000' } },
  ];
}

const opts = { uid: UID, userSecrets: ['demo-web-secrets'] };
const deployment = (docs: K8sObject[]) => docs[0] as any;
const container = (docs: K8sObject[]) => deployment(docs).spec.template.spec.containers[0];

describe('lib/validate/k8s', () => {
  it('accepts a valid set of documents', () => {
    const docs = good();
    assert.deepEqual(validateManifests(docs), []);
    assert.deepEqual(checkRules(docs, opts), []);
  });

  describe('validateManifests (strict schema)', () => {
    it('reports a misspelt field (replica: instead of replicas:) as an unknown field', () => {
      const docs = good();
      deployment(docs).spec.replica = 2;
      assert.deepEqual(validateManifests(docs), ['Deployment/demo-web: spec.replica: unknown field']);
    });

    it('reports unknown fields deep in pod templates, and wrong types', () => {
      const docs = good();
      container(docs).securityContext.runAsUsr = 1;
      container(docs).ports[0].containerPort = '3000';
      const problems = validateManifests(docs);
      assert.ok(problems.includes('Deployment/demo-web: spec.template.spec.containers[0].securityContext.runAsUsr: unknown field'), problems.join('\n'));
      assert.ok(problems.includes('Deployment/demo-web: spec.template.spec.containers[0].ports[0].containerPort: must be integer'), problems.join('\n'));
    });

    it('accepts arbitrary keys in maps (labels, ConfigMap data)', () => {
      const docs = good();
      deployment(docs).metadata.labels = { ...labels, 'example.com/anything': 'x' };
      (docs[3] as any).data.ANY_NAME = 'y';
      assert.deepEqual(validateManifests(docs), []);
    });

    it('reports missing required fields and unknown kinds', () => {
      const problems = validateManifests([
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: {} } },
        { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
      ]);
      assert.ok(problems.some((p) => p === 'Deployment/x: spec: missing required field "selector"'), problems.join('\n'));
      assert.ok(problems.some((p) => p.startsWith('Widget/w: no schema for apiVersion "example.com/v1"')), problems.join('\n'));
      assert.ok(problems.some((p) => p === 'ConfigMap/#2: metadata.name is required'), problems.join('\n'));
    });
  });

  describe('checkRules', () => {
    const expectProblem = (mutate: (docs: K8sObject[]) => void, fragment: string, o = opts) => {
      const docs = good();
      mutate(docs);
      const problems = checkRules(docs, o);
      assert.ok(problems.some((p) => p.includes(fragment)), `expected a problem containing "${fragment}", got:\n${problems.join('\n')}`);
    };

    it('selectors must match the pod template labels', () =>
      expectProblem((d) => (deployment(d).spec.selector.matchLabels = { app: 'other' }), "spec.selector does not match the pod template's labels"));
    it('a container with a port needs liveness and readiness probes', () => {
      expectProblem((d) => delete container(d).livenessProbe, 'has a port but no livenessProbe');
      expectProblem((d) => delete container(d).readinessProbe, 'has a port but no readinessProbe');
    });
    it('liveness must not be the readiness probe on an HTTP health path (a database outage would restart every pod)', () => {
      expectProblem(
        (d) => (container(d).livenessProbe = { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 }),
        'container web: livenessProbe is the readinessProbe (HTTP GET /healthz on port http)',
      );
      const docs = good();
      container(docs).livenessProbe = { httpGet: { path: '/livez', port: 'http' } };
      assert.deepEqual(checkRules(docs, opts), [], 'a liveness path of its own is fine');
      container(docs).livenessProbe = { tcpSocket: { port: 'http' } };
      container(docs).readinessProbe = { tcpSocket: { port: 'http' } };
      assert.deepEqual(checkRules(docs, opts), [], 'TCP for both checks no dependency: not flagged');
    });
    it('probes must use a declared port', () =>
      expectProblem((d) => (container(d).readinessProbe.httpGet.port = 'web'), 'readinessProbe uses port "web"'));
    it('resources need cpu and memory requests and limits', () =>
      expectProblem((d) => delete container(d).resources.limits.memory, 'resources.limits.memory is missing'));
    it('production hardening: ephemeral-storage requests and limits, a sizeLimit on every emptyDir', () => {
      expectProblem((d) => delete container(d).resources.requests['ephemeral-storage'], 'resources.requests.ephemeral-storage is missing');
      expectProblem((d) => delete (d[0] as any).spec.template.spec.volumes[0].emptyDir.sizeLimit, 'emptyDir volume tmp has no sizeLimit');
    });
    it('production hardening: more than one replica needs a spread (topologySpreadConstraints or podAntiAffinity) that selects its pods', () => {
      expectProblem((d) => ((d[0] as any).spec.replicas = 2), 'runs more than one replica but neither topologySpreadConstraints nor podAntiAffinity selects its pods');
      const docs = good();
      const spec = (docs[0] as any).spec;
      spec.replicas = 2;
      spec.template.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...spec.selector.matchLabels, other: 'pods' } } }];
      assert.ok(checkRules(docs, opts).some((p) => p.includes('runs more than one replica')), 'a spread that selects other pods does not count');
      spec.template.spec.topologySpreadConstraints[0].labelSelector = { matchLabels: spec.selector.matchLabels };
      assert.deepEqual(checkRules(docs, opts), []);
      delete spec.template.spec.topologySpreadConstraints;
      spec.template.spec.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: spec.selector.matchLabels } } }] } };
      assert.deepEqual(checkRules(docs, opts), [], 'a podAntiAffinity on its own pods is a spread too');
    });
    it('runAsUser must be the images\' user', () =>
      expectProblem((d) => (container(d).securityContext.runAsUser = 1000), 'runAsUser is 1000, expected 10001'));
    it('ownImage: false exempts third-party images from the uid and read-only root rules only', () => {
      const docs = good();
      container(docs).securityContext.runAsUser = 999;
      container(docs).securityContext.readOnlyRootFilesystem = false;
      assert.deepEqual(checkRules(docs, { ...opts, ownImage: () => false }), []);
      delete container(docs).securityContext.capabilities;
      assert.ok(checkRules(docs, { ...opts, ownImage: () => false }).some((p) => p.includes('capabilities.drop must include ALL')));
    });
    it('Pod Security restricted: privilege escalation, capabilities, seccomp, root, host namespaces, volumes', () => {
      expectProblem((d) => delete container(d).securityContext.allowPrivilegeEscalation, 'allowPrivilegeEscalation must be false');
      expectProblem((d) => (container(d).securityContext.capabilities = { add: ['SYS_ADMIN'], drop: ['ALL'] }), 'capability SYS_ADMIN may not be added');
      expectProblem((d) => {
        delete deployment(d).spec.template.spec.securityContext.seccompProfile;
        delete container(d).securityContext.seccompProfile;
      }, 'seccompProfile.type must be RuntimeDefault or Localhost');
      expectProblem((d) => (deployment(d).spec.template.spec.securityContext.runAsNonRoot = false), 'pod securityContext.runAsNonRoot must be true');
      expectProblem((d) => (deployment(d).spec.template.spec.hostNetwork = true), 'hostNetwork is not allowed');
      expectProblem((d) => deployment(d).spec.template.spec.volumes.push({ name: 'h', hostPath: { path: '/' } }), 'of type hostPath is not allowed');
      expectProblem((d) => (container(d).securityContext.readOnlyRootFilesystem = false), 'readOnlyRootFilesystem must be true');
    });
    it('Service targetPorts must exist on the selected pods, and the selector must select some', () => {
      expectProblem((d) => ((d[1] as any).spec.ports[0].targetPort = 'metrics'), 'targets "metrics", which Deployment/demo-web does not expose');
      expectProblem((d) => ((d[1] as any).spec.ports[0].targetPort = 8080), 'targets 8080');
      expectProblem((d) => ((d[1] as any).spec.selector = { app: 'nothing' }), 'selects no pod template');
    });
    it('ConfigMap and Secret references must resolve (or be user-provided)', () => {
      expectProblem((d) => d.splice(3, 1), 'ConfigMap "demo-web" is neither in the manifests nor user-provided');
      expectProblem(() => undefined, 'Secret "demo-web-secrets" is neither in the manifests nor user-provided', { uid: UID, userSecrets: [] });
      expectProblem((d) => (container(d).env = [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'demo-web', key: 'NOPE' } } }]), 'has no key "NOPE"');
    });
    it('names, labels and port names must have the formats the API server enforces', () => {
      expectProblem((d) => ((d[1] as any).metadata.name = '2fa'), 'a Service name must be a DNS-1035 label');
      expectProblem((d) => (deployment(d).metadata.labels = { ...labels, version: 'not valid!' }), 'label version has an invalid value');
      expectProblem((d) => (container(d).ports[0].name = 'a-very-long-port-name'), 'is not an IANA service name');
    });
    it('serviceAccountName and volume mounts must resolve', () => {
      expectProblem((d) => d.splice(2, 1), 'serviceAccountName "demo-web" names no ServiceAccount');
      expectProblem((d) => (container(d).volumeMounts[0].name = 'cache'), 'volumeMount "cache" names no volume');
    });
  });
});
