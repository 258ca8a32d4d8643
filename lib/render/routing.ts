/**
 * How public services are reached from outside the cluster, decided once for the kustomize
 * overlays, the plain manifests and the Helm chart's environment files: the routes (host,
 * path, service, port, whether the path prefix is stripped), TLS, stickiness, and the
 * controller whose pods the NetworkPolicies let reach public services.
 *
 * Three ways in (delivery.ingress, docs/kubernetes.md#ingress):
 *   - nginx: networking.k8s.io Ingresses with ingress-nginx annotations (cookie affinity,
 *     a regular-expression rewrite for stripped prefixes, cert-manager's ingress-shim);
 *   - traefik: a Traefik IngressRoute, a Middleware per stripped prefix, sticky cookies on
 *     its services, and a cert-manager Certificate;
 *   - gateway-api: HTTPRoutes attached to a Gateway the cluster runs (a URLRewrite filter per
 *     stripped prefix, sessionPersistence for stickiness), and for TLS a Certificate and a
 *     ReferenceGrant letting the Gateway read its Secret.
 * `routingObjects` builds those objects for kustomize and the plain manifests; the chart's
 * templates build the same ones from values (test/kubernetes/agreement.test.ts).
 */
import { delivery, type Cluster } from '../model/derive.js';
import type { IngressKind, StackModel } from '../model/types.js';

/** Where an ingress controller's pods run: the peer NetworkPolicies let reach public services. */
export interface IngressController {
  namespace: string;
  podLabels: Record<string, string>;
}

/**
 * The ingress controllers we know, by IngressClass name, as their official charts install
 * them: ingress-nginx in the namespace ingress-nginx; Traefik in the namespace traefik (k3s
 * installs it in kube-system: set the namespace). A Gateway's pods run where its
 * implementation puts them, by default taken as the Gateway's namespace (every pod of it).
 */
export const INGRESS_CONTROLLERS: Record<string, IngressController> = {
  nginx: { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
  traefik: { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } },
};

/** The IngressClass assumed when none is named (the chart's ingress.className empty). */
export const DEFAULT_INGRESS_CLASS = 'nginx';

/** The NetworkPolicyPeer of an ingress controller: its namespace and, when known, its pods. */
export function ingressControllerPeer(c: IngressController): Record<string, unknown> {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': c.namespace } },
    ...(Object.keys(c.podLabels).length ? { podSelector: { matchLabels: c.podLabels } } : {}),
  };
}

/** The environments routes are planned for: the base (the chart's values.yaml), staging and production. */
export type RoutingEnvironment = 'base' | 'staging' | 'production';

export interface Route {
  service: string;
  port: number;
  host: string;
  /** `/`, or `/<service>` with routing paths. */
  path: string;
  /** The path prefix is removed before the request reaches the service (it serves at `/`). */
  strip: boolean;
}

export interface RoutingPlan {
  kind: IngressKind;
  /** The Ingress's ingressClassName (nginx), or '' (the others have no IngressClass). */
  className: string;
  routes: Route[];
  /** The domain the hosts are under (staging.<domain> in staging). */
  domain: string;
  /** Every host, once, in route order. */
  hosts: string[];
  /** Production TLS: the Secret of the certificate, and cert-manager's ClusterIssuer or null (you create the Secret). */
  tls: { secretName: string; issuer: string | null } | null;
  /** The sticky-session cookie, or null. */
  cookie: string | null;
  gateway: { namespace: string; name: string };
  /** The controller whose pods may reach public services. */
  controller: IngressController;
}

/** The public services with a port, by name. */
const publicPorts = (model: StackModel): [string, number][] =>
  Object.entries(model.services)
    .filter(([, s]) => s.public && s.port !== null && !s.release)
    .map(([n, s]) => [n, s.port!] as [string, number])
    .sort(([a], [b]) => (a < b ? -1 : 1));

/**
 * The routes, TLS and stickiness of an environment; null when no service is public. A
 * production cluster (model.clusters) may have its own domain and IngressClass.
 */
export function routingPlan(model: StackModel, env: RoutingEnvironment, cluster?: Cluster): RoutingPlan | null {
  const open = publicPorts(model);
  if (!open.length) return null;
  const d = delivery(model);
  const domain = env === 'staging' ? `staging.${d.domain}` : (cluster?.domain ?? d.domain);
  const routes: Route[] =
    d.routing === 'hosts'
      ? open.map(([service, port]) => ({ service, port, host: `${service}.${domain}`, path: '/', strip: false }))
      : open
          .map(([service, port]) => (service === d.rootService ? { service, port, host: domain, path: '/', strip: false } : { service, port, host: domain, path: `/${service}`, strip: true }))
          // The service at `/` last: it is the catch-all.
          .sort((a, b) => Number(a.path === '/') - Number(b.path === '/'));
  const controller = d.ingress === 'gateway-api' ? { namespace: d.gateway.namespace, podLabels: {} } : INGRESS_CONTROLLERS[d.ingress === 'traefik' ? 'traefik' : DEFAULT_INGRESS_CLASS]!;
  return {
    kind: d.ingress,
    className: d.ingress === 'nginx' ? (cluster?.ingressClass ?? DEFAULT_INGRESS_CLASS) : '',
    routes,
    domain,
    hosts: [...new Set(routes.map((r) => r.host))],
    tls: env === 'production' && d.tls !== 'none' ? { secretName: `${model.name}-tls`, issuer: d.tls === 'cert-manager' ? d.clusterIssuer : null } : null,
    cookie: d.sticky ? `${model.name}-affinity` : null,
    gateway: d.gateway,
    controller,
  };
}

/** The public address of a route: https when the environment has TLS. */
export const routeUrl = (plan: RoutingPlan, r: Route): string => `${plan.tls ? 'https' : 'http'}://${r.host}${r.path === '/' ? '' : r.path}`;

type Obj = Record<string, unknown>;
type Labels = (component: string) => Record<string, string>;

/** ingress-nginx's annotations of a plan: cookie affinity, and the rewrite of stripped prefixes. */
export function nginxAnnotations(plan: RoutingPlan, stripped: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  if (plan.cookie) {
    out['nginx.ingress.kubernetes.io/affinity'] = 'cookie';
    out['nginx.ingress.kubernetes.io/session-cookie-name'] = plan.cookie;
    // A regular-expression path would otherwise set the cookie's path to the expression.
    if (stripped) out['nginx.ingress.kubernetes.io/session-cookie-path'] = '/';
  }
  if (stripped) {
    out['nginx.ingress.kubernetes.io/use-regex'] = 'true';
    out['nginx.ingress.kubernetes.io/rewrite-target'] = '/$2';
  }
  return out;
}

/** A cert-manager Certificate for the plan's hosts (Traefik and the Gateway API: ingress-nginx uses the annotation). */
function certificate(plan: RoutingPlan, labels: Labels): Obj {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: plan.tls!.secretName, labels: labels('ingress') },
    spec: { secretName: plan.tls!.secretName, dnsNames: plan.hosts, issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: plan.tls!.issuer } },
  };
}

/** The Ingresses of ingress-nginx: one for the routes at `/`, one with the rewrite for stripped prefixes. */
function nginxObjects(app: string, plan: RoutingPlan, labels: Labels): Obj[] {
  const out: Obj[] = [];
  for (const stripped of [false, true]) {
    const routes = plan.routes.filter((r) => r.strip === stripped);
    if (!routes.length) continue;
    const hosts = [...new Set(routes.map((r) => r.host))];
    const annotations = nginxAnnotations(plan, stripped);
    // cert-manager's ingress-shim makes one Certificate per Secret: the annotation goes on one Ingress.
    if (plan.tls?.issuer && !out.length) annotations['cert-manager.io/cluster-issuer'] = plan.tls.issuer;
    out.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: stripped ? `${app}-prefixes` : app, labels: labels('ingress'), ...(Object.keys(annotations).length ? { annotations } : {}) },
      spec: {
        ingressClassName: plan.className,
        ...(plan.tls ? { tls: [{ secretName: plan.tls.secretName, hosts }] } : {}),
        rules: hosts.map((host) => ({
          host,
          http: {
            paths: routes
              .filter((r) => r.host === host)
              .map((r) => ({
                path: r.strip ? `${r.path}(/|$)(.*)` : r.path,
                pathType: r.strip ? 'ImplementationSpecific' : 'Prefix',
                backend: { service: { name: r.service, port: { number: r.port } } },
              })),
          },
        })),
      },
    });
  }
  return out;
}

/** The Middleware that strips a service's path prefix (Traefik). */
export const stripMiddlewareName = (app: string, service: string): string => `${app}-strip-${service}`;

function traefikObjects(app: string, plan: RoutingPlan, labels: Labels): Obj[] {
  const middlewares = plan.routes
    .filter((r) => r.strip)
    .map((r) => ({
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'Middleware',
      metadata: { name: stripMiddlewareName(app, r.service), labels: labels('ingress') },
      spec: { stripPrefix: { prefixes: [r.path] } },
    }));
  const route = {
    apiVersion: 'traefik.io/v1alpha1',
    kind: 'IngressRoute',
    metadata: { name: app, labels: labels('ingress') },
    spec: {
      entryPoints: [plan.tls ? 'websecure' : 'web'],
      routes: plan.routes.map((r) => ({
        kind: 'Rule',
        match: r.path === '/' ? `Host(\`${r.host}\`)` : `Host(\`${r.host}\`) && PathPrefix(\`${r.path}\`)`,
        ...(r.strip ? { middlewares: [{ name: stripMiddlewareName(app, r.service) }] } : {}),
        services: [
          {
            name: r.service,
            port: r.port,
            ...(plan.cookie ? { sticky: { cookie: { name: plan.cookie, httpOnly: true, secure: !!plan.tls, sameSite: 'lax' } } } : {}),
          },
        ],
      })),
      ...(plan.tls ? { tls: { secretName: plan.tls.secretName } } : {}),
    },
  };
  return [...middlewares, route, ...(plan.tls?.issuer ? [certificate(plan, labels)] : [])];
}

/** The HTTPRoute of a host: `<app>` with one host, `<app>-<service>` for a host per service. */
export const httpRouteName = (app: string, plan: RoutingPlan, host: string): string =>
  plan.hosts.length === 1 ? app : `${app}-${plan.routes.find((r) => r.host === host)!.service}`;

function gatewayObjects(app: string, plan: RoutingPlan, labels: Labels): Obj[] {
  const out: Obj[] = plan.hosts.map((host) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: httpRouteName(app, plan, host), labels: labels('ingress') },
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: plan.gateway.namespace, name: plan.gateway.name }],
      hostnames: [host],
      rules: plan.routes
        .filter((r) => r.host === host)
        .map((r) => ({
          matches: [{ path: { type: 'PathPrefix', value: r.path } }],
          ...(r.strip ? { filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }] } : {}),
          backendRefs: [{ name: r.service, port: r.port }],
          ...(plan.cookie ? { sessionPersistence: { sessionName: plan.cookie, type: 'Cookie' } } : {}),
        })),
    },
  }));
  if (plan.tls) {
    // The Gateway terminates TLS with the Secret in this namespace: it may read that one Secret.
    out.push({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: `${app}-tls-from-gateway`, labels: labels('ingress') },
      spec: {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: plan.gateway.namespace }],
        to: [{ group: '', kind: 'Secret', name: plan.tls.secretName }],
      },
    });
    if (plan.tls.issuer) out.push(certificate(plan, labels));
  }
  return out;
}

/** The objects that route public traffic in an environment, for the chosen controller. */
export function routingObjects(app: string, plan: RoutingPlan, labels: Labels): Obj[] {
  if (plan.kind === 'traefik') return traefikObjects(app, plan, labels);
  if (plan.kind === 'gateway-api') return gatewayObjects(app, plan, labels);
  return nginxObjects(app, plan, labels);
}

/** A JSON patch (RFC 6902) operation. */
export interface PatchOp {
  op: 'add' | 'replace';
  path: string;
  value: unknown;
}

/**
 * The `replace` operations that turn `from` into `to`, for two renders of the same shape
 * (the same routes under another domain or IngressClass): each differing leaf, or the whole
 * subtree where the shapes differ.
 */
export function replaceOps(from: unknown, to: unknown, path = ''): PatchOp[] {
  if (JSON.stringify(from) === JSON.stringify(to)) return [];
  const both = (v: unknown) => typeof v === 'object' && v !== null;
  if (both(from) && both(to) && Array.isArray(from) === Array.isArray(to)) {
    const a = from as Record<string, unknown>;
    const b = to as Record<string, unknown>;
    const keys = Object.keys(b);
    if (keys.length === Object.keys(a).length && keys.every((k) => k in a))
      return keys.flatMap((k) => replaceOps(a[k], b[k], `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  return [{ op: 'replace', path, value: to }];
}

/** What an environment's routing file holds, in a few words (for headers and READMEs). */
export const ROUTING_TEXT: Record<IngressKind, string> = {
  nginx: 'an Ingress (ingress-nginx)',
  traefik: 'a Traefik IngressRoute',
  'gateway-api': 'Gateway API HTTPRoutes',
};
