/**
 * values.schema.json: Helm validates the merged values against it on lint,
 * template, install and upgrade, so a misspelt key (`replica: 2`) or a wrong
 * type (`replicaCount: "x"`) fails before anything reaches the cluster.
 * Every object this chart defines is closed (`additionalProperties: false`);
 * objects passed through to Kubernetes as they are (nodeSelector, affinity,
 * tolerations, NetworkPolicy peers, Ingress TLS) are only typed here and are
 * checked after rendering against the Kubernetes schemas.
 *
 * The schema does not depend on the model: services and backing services are
 * maps, so adding one is a values change. A misspelt service name is caught
 * because every entry requires its image and port fields.
 */
import { BACKING_KINDS } from '../../lib/model/types.js';

type Schema = Record<string, unknown>;

/** A closed object: only the listed properties, `required` ones must be present. */
function closed(properties: Record<string, Schema>, required: string[] = [], extra: Schema = {}): Schema {
  return { type: 'object', additionalProperties: false, ...(required.length ? { required } : {}), properties, ...extra };
}

/** A typed object that also takes other properties (Kubernetes fields passed through as they are). */
const open = (properties: Record<string, Schema>): Schema => ({ type: 'object', properties });

const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const nonNegative: Schema = { type: 'integer', minimum: 0 };
const positive: Schema = { type: 'integer', minimum: 1 };
const port: Schema = { type: 'integer', minimum: 1, maximum: 65535 };
const dnsLabel = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
const envName = '^[A-Za-z_][A-Za-z0-9_]*$';
const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };
const freeObject: Schema = { type: 'object' };
const freeArray: Schema = { type: 'array', items: { type: 'object' } };
const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });
const absolutePath: Schema = { type: 'string', pattern: '^/' };

const definitions: Record<string, Schema> = {
  quantity: { type: ['string', 'number'], description: 'A Kubernetes quantity: 100m, 0.5, 256Mi, 1Gi' },
  // Open: extended resources (hugepages-2Mi, nvidia.com/gpu...) are valid Kubernetes fields too.
  quantities: { type: 'object', properties: { cpu: ref('quantity'), memory: ref('quantity'), 'ephemeral-storage': ref('quantity') }, additionalProperties: ref('quantity') },
  resources: closed({ requests: ref('quantities'), limits: ref('quantities') }, ['requests', 'limits']),
  image: closed(
    {
      repository: { type: 'string', minLength: 1 },
      tag: { type: 'string', description: 'Empty: the chart appVersion' },
      digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$', description: 'Set by CD: deploy this exact image (repository@digest), the tag is then ignored' },
      pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
    },
    ['repository', 'tag', 'pullPolicy'],
  ),
  seccompProfile: closed({ type: { enum: ['RuntimeDefault', 'Localhost', 'Unconfined'] }, localhostProfile: str }, ['type']),
  // The two security contexts are typed but open: the Kubernetes fields this chart does not set
  // (seLinuxOptions, sysctls, appArmorProfile, windowsOptions...) pass through and are checked
  // against the Kubernetes schemas after rendering.
  podSecurityContext: open({
    runAsNonRoot: bool,
    runAsUser: nonNegative,
    runAsGroup: nonNegative,
    fsGroup: nonNegative,
    fsGroupChangePolicy: { enum: ['OnRootMismatch', 'Always'] },
    supplementalGroups: { type: 'array', items: nonNegative },
    seccompProfile: ref('seccompProfile'),
  }),
  securityContext: open({
    allowPrivilegeEscalation: bool,
    readOnlyRootFilesystem: bool,
    runAsNonRoot: bool,
    runAsUser: nonNegative,
    runAsGroup: nonNegative,
    privileged: bool,
    capabilities: closed({ add: { type: 'array', items: str }, drop: { type: 'array', items: str } }),
    seccompProfile: ref('seccompProfile'),
  }),
  probeTiming: closed({ initialDelaySeconds: nonNegative, periodSeconds: positive, timeoutSeconds: positive, failureThreshold: positive }),
  readinessTiming: closed({
    initialDelaySeconds: nonNegative,
    periodSeconds: positive,
    timeoutSeconds: positive,
    failureThreshold: positive,
    successThreshold: positive,
  }),
  persistence: closed(
    {
      enabled: bool,
      mountPath: absolutePath,
      size: ref('quantity'),
      storageClass: { type: 'string', description: 'Empty: the cluster default StorageClass' },
      accessModes: { type: 'array', minItems: 1, items: { enum: ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany', 'ReadOnlyMany'] } },
    },
    ['enabled', 'mountPath', 'size', 'storageClass', 'accessModes'],
  ),
  serviceAccount: closed({ create: bool, name: str, annotations: stringMap, automount: bool }, ['create', 'name', 'automount']),
  env: {
    type: 'object',
    propertyNames: { pattern: envName },
    additionalProperties: { type: ['string', 'number', 'boolean'] },
  },
  service: closed(
    {
      enabled: bool,
      kind: { enum: ['Deployment', 'StatefulSet', 'Job'], description: 'Job: a release command, run as a post-install and pre-upgrade hook' },
      replicaCount: nonNegative,
      image: ref('image'),
      args: { type: 'array', items: str, description: "The container's args (over the image's CMD): another process of an image; [] for its own command" },
      command: { type: 'array', items: str, description: "The container's command, over the image's ENTRYPOINT: a process of an image built from your own Dockerfile" },
      port: { ...port, description: 'Absent for a worker: no Service, no HTTP/TCP probes' },
      healthPath: { type: 'string', pattern: '^(/.*)?$', description: 'The readinessProbe and helm test; empty: a TCP connect' },
      livenessPath: { type: 'string', pattern: '^(/.*)?$', description: 'The livenessProbe; empty: a TCP connect' },
      public: bool,
      dependsOn: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: dnsLabel } },
      env: ref('env'),
      secretEnv: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: envName } },
      existingSecret: str,
      connections: {
        type: 'array',
        description: 'Variables wired to a backing service password: value refers to it as $(CONTAINERIZE_<BACKING>_PASSWORD); no value: the password itself',
        items: closed({ name: { type: 'string', pattern: envName }, backing: { type: 'string', pattern: dnsLabel }, value: str }, ['name', 'backing']),
      },
      resources: ref('resources'),
      writableDirs: { type: 'array', uniqueItems: true, items: absolutePath },
      probes: closed(
        {
          startup: ref('probeTiming'),
          liveness: ref('probeTiming'),
          readiness: ref('readinessTiming'),
          exec: { type: 'array', items: str, description: 'Worker liveness command; [] for none' },
        },
        ['startup', 'liveness', 'readiness', 'exec'],
      ),
      autoscaling: closed(
        {
          enabled: bool,
          minReplicas: positive,
          maxReplicas: positive,
          targetCPUUtilizationPercentage: positive,
          targetMemoryUtilizationPercentage: positive,
        },
        ['enabled', 'minReplicas', 'maxReplicas'],
      ),
      podDisruptionBudget: closed(
        { enabled: bool, minAvailable: { type: ['integer', 'string'] }, maxUnavailable: { type: ['integer', 'string'] } },
        ['enabled'],
      ),
      serviceAccount: ref('serviceAccount'),
      persistence: ref('persistence'),
      podSecurityContext: { ...ref('podSecurityContext'), description: 'Merged over the top-level podSecurityContext' },
      securityContext: { ...ref('securityContext'), description: 'Merged over the top-level securityContext' },
      extraEgress: { ...freeArray, description: 'NetworkPolicyEgressRule objects added to this service\'s policy' },
      podAnnotations: stringMap,
      podLabels: stringMap,
      nodeSelector: stringMap,
      tolerations: freeArray,
      affinity: freeObject,
      topologySpreadConstraints: { ...freeArray, description: 'Empty: the chart spreads replicas by topologySpread when there is more than one' },
      terminationGracePeriodSeconds: nonNegative,
      metrics: closed(
        { path: { type: 'string', pattern: '^/' }, port: { ...port, description: 'Empty: the service\'s port' } },
        ['path'],
        { description: 'Prometheus metrics the service serves; absent: none' },
      ),
      // Extension points, passed to the pod as they are (checked against the Kubernetes schemas after rendering).
      extraEnv: { ...freeArray, description: 'EnvVar objects added to the container, after the generated ones' },
      extraEnvFrom: { ...freeArray, description: 'EnvFromSource objects added to the container' },
      extraVolumes: { ...freeArray, description: 'Volume objects added to the pod' },
      extraVolumeMounts: { ...freeArray, description: 'VolumeMount objects added to the container' },
      initContainers: { ...freeArray, description: 'Container objects run before the service (give each a restricted securityContext)' },
      sidecars: { ...freeArray, description: 'Container objects run beside the service (give each a restricted securityContext)' },
    },
    [
      'enabled',
      'kind',
      'replicaCount',
      'image',
      'healthPath',
      'public',
      'dependsOn',
      'env',
      'secretEnv',
      'existingSecret',
      'connections',
      'resources',
      'writableDirs',
      'probes',
      'autoscaling',
      'podDisruptionBudget',
      'serviceAccount',
      'persistence',
    ],
  ),
  backing: closed(
    {
      kind: { enum: [...BACKING_KINDS] },
      mode: {
        enum: ['internal', 'external', 'ambassador'],
        description: 'internal: a StatefulSet in the release; external: an ExternalName Service (or, with external.ip, an EndpointSlice); ambassador: a Service selecting a TCP proxy that forwards to external.host',
      },
      port,
      image: ref('image'),
      args: { type: 'array', items: str },
      env: ref('env'),
      healthCommand: { type: 'string', description: 'Run by sh -c for the readiness and startup probes; empty: TCP probes on the port' },
      auth: closed(
        {
          existingSecret: str,
          secretEnv: { type: 'object', propertyNames: { pattern: envName }, additionalProperties: { type: 'string', minLength: 1 } },
        },
        ['existingSecret', 'secretEnv'],
      ),
      persistence: ref('persistence'),
      writableDirs: { type: 'array', uniqueItems: true, items: absolutePath },
      seedDirs: { type: 'array', uniqueItems: true, items: absolutePath, description: "Writable folders that start as a copy of the image's (an init container copies each)" },
      resources: ref('resources'),
      podSecurityContext: ref('podSecurityContext'),
      securityContext: ref('securityContext'),
      external: closed(
        {
          host: { type: 'string', pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$' },
          ip: { type: 'string', pattern: '^(|([0-9]{1,3}\\.){3}[0-9]{1,3}|[0-9a-fA-F.]*:[0-9a-fA-F:.]*)$', description: 'an IP address (IPv4 or IPv6): a selector-less Service with an EndpointSlice' },
          egressTo: { ...freeArray, description: 'NetworkPolicyPeer objects the dependent pods may reach on port' },
        },
        ['host', 'ip', 'egressTo'],
      ),
      ambassador: closed(
        {
          tls: { type: 'boolean', description: 'Speak TLS to external.host, verifying its certificate (only for protocols that are TLS from the first byte)' },
          port: { ...port, description: "The instance's port (with tls: the kind's TLS port)" },
          replicaCount: positive,
          podDisruptionBudget: closed({ enabled: bool, minAvailable: nonNegative }, ['enabled', 'minAvailable']),
        },
        ['tls', 'port', 'replicaCount', 'podDisruptionBudget'],
      ),
      podAnnotations: stringMap,
      nodeSelector: stringMap,
      tolerations: freeArray,
      affinity: freeObject,
    },
    ['kind', 'mode', 'port', 'image', 'args', 'env', 'healthCommand', 'auth', 'persistence', 'writableDirs', 'seedDirs', 'resources', 'podSecurityContext', 'securityContext', 'external', 'ambassador'],
  ),
};

export function valuesSchema(): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Values of a generator-containerize chart',
    description: 'Generated by generator-containerize from the stack model; each value is described by its comment in values.yaml.',
    ...closed(
      {
        // Helm injects `global` when the chart is used as a subchart.
        global: freeObject,
        nameOverride: str,
        fullnameOverride: str,
        imagePullSecrets: { type: 'array', items: closed({ name: { type: 'string', minLength: 1 } }, ['name']) },
        commonLabels: stringMap,
        podSecurityContext: ref('podSecurityContext'),
        securityContext: ref('securityContext'),
        emptyDirSizeLimit: { ...ref('quantity'), description: 'The sizeLimit of every emptyDir (writable folders)' },
        secrets: closed(
          {
            provider: { enum: ['kubectl', 'externalSecrets'] },
            externalSecrets: closed(
              {
                secretStoreRef: closed({ kind: { enum: ['SecretStore', 'ClusterSecretStore'] }, name: str }, ['kind', 'name']),
                refreshInterval: { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$' },
                remoteKeyPrefix: str,
              },
              ['secretStoreRef', 'refreshInterval', 'remoteKeyPrefix'],
            ),
          },
          ['provider', 'externalSecrets'],
        ),
        metrics: closed(
          {
            scrape: { enum: ['annotations', 'podMonitor', 'none'] },
            podMonitorLabels: stringMap,
            prometheusFrom: { ...freeArray, description: 'NetworkPolicyPeer objects where Prometheus runs' },
          },
          ['scrape', 'podMonitorLabels', 'prometheusFrom'],
        ),
        topologySpread: closed(
          {
            enabled: bool,
            topologyKeys: { type: 'array', items: { type: 'string', minLength: 1 } },
            whenUnsatisfiable: { enum: ['ScheduleAnyway', 'DoNotSchedule'] },
          },
          ['enabled', 'topologyKeys', 'whenUnsatisfiable'],
        ),
        networkPolicy: closed(
          {
            enabled: bool,
            dns: { ...freeArray, description: 'NetworkPolicyPeer objects where cluster DNS runs' },
            ingressController: closed(
              {
                namespace: { type: 'string', pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$', maxLength: 63, description: 'Empty: from ingress.className' },
                podLabels: { ...stringMap, description: 'Empty: from ingress.className' },
              },
              ['namespace', 'podLabels'],
            ),
            ingressFrom: { ...freeArray, description: 'NetworkPolicyPeer objects allowed to reach public services instead of ingressController' },
          },
          ['enabled', 'dns', 'ingressController', 'ingressFrom'],
        ),
        ingress: closed(
          {
            enabled: bool,
            controller: { enum: ['nginx', 'traefik', 'gateway-api'], description: 'nginx: Ingresses; traefik: an IngressRoute and Middlewares; gateway-api: HTTPRoutes on ingress.gateway' },
            className: str,
            annotations: stringMap,
            stickyCookie: { type: 'string', pattern: '^([A-Za-z0-9_-]+)?$', description: 'The sticky-session cookie; empty: off' },
            gateway: closed({ namespace: { type: 'string', pattern: dnsLabel, maxLength: 63 }, name: { type: 'string', minLength: 1, maxLength: 253 } }, ['namespace', 'name']),
            clusterIssuer: { type: 'string', description: "cert-manager's ClusterIssuer for the tls Secrets; empty: you create them" },
            hosts: {
              type: 'array',
              items: closed(
                {
                  host: { type: 'string', minLength: 1 },
                  paths: {
                    type: 'array',
                    minItems: 1,
                    items: closed(
                      {
                        path: { type: 'string', pattern: '^/' },
                        pathType: { enum: ['Prefix', 'Exact', 'ImplementationSpecific'] },
                        service: { type: 'string', pattern: dnsLabel },
                        stripPrefix: { type: 'boolean', description: 'Remove the path prefix before the request reaches the service' },
                      },
                      ['path', 'pathType', 'service'],
                    ),
                  },
                },
                ['host', 'paths'],
              ),
            },
            tls: { type: 'array', items: closed({ secretName: str, hosts: { type: 'array', items: str } }, ['hosts']) },
          },
          ['enabled', 'controller', 'className', 'annotations', 'stickyCookie', 'gateway', 'clusterIssuer', 'hosts', 'tls'],
        ),
        tests: closed({ enabled: bool, image: ref('image'), resources: ref('resources') }, ['enabled', 'image', 'resources']),
        ambassador: closed(
          { image: ref('image'), resources: ref('resources'), podSecurityContext: ref('podSecurityContext'), securityContext: ref('securityContext') },
          ['image', 'resources', 'podSecurityContext', 'securityContext'],
        ),
        services: {
          type: 'object',
          propertyNames: { pattern: dnsLabel, maxLength: 63 },
          additionalProperties: ref('service'),
        },
        backing: {
          type: 'object',
          propertyNames: { pattern: dnsLabel, maxLength: 63 },
          additionalProperties: ref('backing'),
        },
      },
      ['podSecurityContext', 'securityContext', 'emptyDirSizeLimit', 'topologySpread', 'secrets', 'metrics', 'networkPolicy', 'ingress', 'tests', 'ambassador', 'services', 'backing'],
    ),
    definitions,
  };
}
