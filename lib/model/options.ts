/**
 * The delivery choices as data: one record per `delivery.<field>`, holding its flag, its
 * --help text, its question (asked with --ask-answered) and its check, so the flag, the
 * prompt and the validation of a field cannot disagree (JHipster's command configs do the
 * same). lib/generator/base.ts registers the flags and reads them into the model,
 * ./questions.ts asks the questions, ./validate.ts runs the checks on the final model
 * (cross-field rules stay there). Every field is optional: an absent one is derived
 * (./derive.ts `delivery`).
 */
import { kinds, show, type Check } from './kinds.js';
import { DEPLOY_TOOLS, GITOPS_MODES, INGRESS_KINDS, REGISTRY_KINDS, ROUTINGS, TLS_MODES, type DeliveryModel } from './types.js';

export interface DeliveryOption {
  field: keyof DeliveryModel;
  /** The command-line flag (without --), or null for a field reached by --set delivery.<field>= only. */
  flag: string | null;
  type: 'string' | 'boolean';
  /** The flag's --help text. */
  description: string;
  /** The question, asked with --ask-answered; null: not asked. */
  message: string | null;
  /** The answer a question starts from when the field is absent ('' means: the derived default). */
  fallback: string | boolean;
  /** The valid values of a choice. */
  choices?: readonly string[];
  /** An example value for messages. */
  example: string;
  /** The check of a value that is not a choice (a name, a URL). */
  check?: Check;
}

/** `<namespace>/<name>` of a Gateway. */
const gatewayRef: Check = (v) => {
  const [ns, name, ...rest] = typeof v === 'string' ? v.split('/') : [];
  return rest.length || kinds.dnsLabel(ns) || kinds.dnsName(name) ? `${show(v)} is not <namespace>/<name> of a Gateway; expected a namespace (a DNS label) and a name, e.g. infra/public` : null;
};
const gitUrl: Check = (v) =>
  typeof v === 'string' && /^(https?:\/\/|ssh:\/\/|git@)[^\s]+$/.test(v) ? null : `${show(v)} is not a Git URL; expected https://..., ssh://... or git@host:path, e.g. https://github.com/acme/shop.git`;

export const DELIVERY_OPTIONS: readonly DeliveryOption[] = [
  {
    field: 'registryKind',
    flag: 'registry-kind',
    type: 'string',
    description: 'How CI logs in to the registry: ghcr, dockerhub, ecr, gar, acr or generic (default: from the registry host; docs/ci-cd.md)',
    message: 'How CI logs in to the registry (ghcr, dockerhub, ecr, gar, acr, generic; empty: from the registry host):',
    fallback: '',
    choices: REGISTRY_KINDS,
    example: 'ghcr',
  },
  {
    field: 'deployTool',
    flag: 'deploy-tool',
    type: 'string',
    description:
      'How the app is deployed, the only tool whose files are written: kustomize (default: deploy/kubernetes base and overlays), helm (deploy/helm/<name>) or manifests (plain YAML per environment, kubectl apply -f); the deploy scripts and CD use it too',
    message: 'Deployment tool, the only one whose files are written (kustomize, helm or manifests: plain YAML per environment with kubectl scripts):',
    fallback: 'kustomize',
    choices: DEPLOY_TOOLS,
    example: 'helm',
  },
  {
    field: 'gitops',
    flag: 'gitops',
    type: 'string',
    description: 'Argo CD on top of the deployment tool: none (default), argocd (an Application per environment) or argocd-applicationset (one ApplicationSet); deploy/argocd/',
    message: 'Argo CD on top (none, argocd: an Application per environment, argocd-applicationset: one ApplicationSet):',
    fallback: 'none',
    choices: GITOPS_MODES,
    example: 'argocd',
  },
  {
    field: 'repoUrl',
    flag: null,
    type: 'string',
    description: 'The Git repository Argo CD syncs from',
    message: null,
    fallback: '',
    example: 'https://github.com/acme/shop.git',
    check: gitUrl,
  },
  {
    field: 'blueGreen',
    flag: 'blue-green',
    type: 'boolean',
    description: 'Production as two identical stacks, <name>-blue and <name>-green, behind a public entry that deploy/scripts/switch.sh moves from one to the other, with a rollback (kustomize only; default: off)',
    message: 'Production as two stacks side by side (blue and green namespaces) with a scripted switch of public traffic (kustomize only)?',
    fallback: false,
    example: 'true',
  },
  {
    field: 'ingress',
    flag: 'ingress',
    type: 'string',
    description:
      'How public services are reached: nginx (default: an Ingress with ingress-nginx annotations), traefik (an IngressRoute and Middlewares) or gateway-api (HTTPRoutes attached to --gateway); the NetworkPolicies let that controller in',
    message: 'How public services are reached (nginx: an Ingress; traefik: an IngressRoute; gateway-api: HTTPRoutes on a Gateway):',
    fallback: 'nginx',
    choices: INGRESS_KINDS,
    example: 'traefik',
  },
  {
    field: 'routing',
    flag: 'routing',
    type: 'string',
    description: 'hosts (default: a host per public service, <service>.<domain>) or paths (one host, <domain>, a path /<service> per public service, the prefix stripped; delivery.rootService is served at /)',
    message: 'Routing (hosts: a host per public service; paths: one host, a path /<service> each):',
    fallback: 'hosts',
    choices: ROUTINGS,
    example: 'paths',
  },
  {
    field: 'rootService',
    flag: null,
    type: 'string',
    description: 'With routing paths, the public service served at /',
    message: null,
    fallback: '',
    example: 'web',
  },
  {
    field: 'domain',
    flag: 'domain',
    type: 'string',
    description: 'The DNS domain of the public hosts; staging is under staging.<domain> (default: <name>.example.com, a placeholder)',
    message: 'DNS domain of the public hosts (empty: <name>.example.com, a placeholder):',
    fallback: '',
    example: 'shop.example.com',
    check: kinds.dnsName,
  },
  {
    field: 'sticky',
    flag: 'sticky',
    type: 'boolean',
    description: 'Sticky sessions: a cookie keeps each browser on one replica, set the way the chosen controller does it (default: off)',
    message: 'Sticky sessions (a cookie keeps each browser on one replica)?',
    fallback: false,
    example: 'true',
  },
  {
    field: 'tls',
    flag: 'tls',
    type: 'string',
    description: 'Production TLS: secret (default: a kubernetes.io/tls Secret <name>-tls you create), cert-manager (issued by --cluster-issuer) or none',
    message: 'Production TLS (secret: a Secret you create; cert-manager: issued for you; none):',
    fallback: 'secret',
    choices: TLS_MODES,
    example: 'cert-manager',
  },
  {
    field: 'clusterIssuer',
    flag: 'cluster-issuer',
    type: 'string',
    description: 'The cert-manager ClusterIssuer that issues the certificate with --tls cert-manager (default: letsencrypt)',
    message: null,
    fallback: '',
    example: 'letsencrypt',
    check: kinds.dnsName,
  },
  {
    field: 'gateway',
    flag: 'gateway',
    type: 'string',
    description: 'The Gateway the HTTPRoutes attach to with --ingress gateway-api, <namespace>/<name> (default: gateway-system/gateway)',
    message: null,
    fallback: '',
    example: 'infra/public',
    check: gatewayRef,
  },
  {
    field: 'previews',
    flag: 'previews',
    type: 'boolean',
    description: 'A preview namespace pr-<number> per pull request, torn down when it closes (default: off; --no-previews turns it off again)',
    message: 'A preview namespace pr-<number> per pull request?',
    fallback: false,
    example: 'true',
  },
];

/** The check of one delivery field's value (cross-field rules are ./validate.ts's). */
export function checkDeliveryValue(o: DeliveryOption, value: unknown): string | null {
  if (o.type === 'boolean') return kinds.boolean(value);
  if (o.choices) return typeof value === 'string' && o.choices.includes(value) ? null : `${show(value)} is not one of them; expected one of ${o.choices.join(', ')}, e.g. ${o.example}`;
  return o.check ? o.check(value) : null;
}

/** The fields of `delivery`, for --set and validation. */
export const DELIVERY_FIELDS: readonly string[] = DELIVERY_OPTIONS.map((o) => o.field);
