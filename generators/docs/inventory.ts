/**
 * What each generated file is for, one line each, for the operations page's file table.
 * Matched on the path; a file no rule knows gets its stage's line (a test checks the
 * sample models leave none to that fallback).
 */
import type { StackModel } from '../../lib/model/types.js';

type Rule = [RegExp, (m: RegExpExecArray, model: StackModel) => string];

const svcOf = (dir: string | undefined) => (dir ? dir.replace(/\/$/, '') : 'the root service');

const RULES: Rule[] = [
  [/^(?:(.*)\/)?Dockerfile$/, (m) => `the image of the service in \`${m[1] ?? '.'}\`: a \`dev\` stage (toolchain, hot reload) and, last, the production image (non-root user 10001)`],
  [/^(?:(.*)\/)?\.dockerignore$/, (m) => `what stays out of the build context of ${svcOf(m[1])} (secrets, .git, dependency folders)`],
  [/^compose\.yaml$/, () => 'the whole stack for Docker Compose / podman-compose: every service and backing service, production images (`make up PROD=1`)'],
  [/^compose\.override\.yaml$/, () => 'the dev layer Compose loads by itself: dev images, source mounts, hot reload, debugger ports'],
  [/^\.env\.example$/, () => 'every non-secret setting with its default; `make env` copies it to `.env` (not committed) to change one'],
  [/^secrets\/create\.sh$/, () => 'creates the missing secret files of the Compose stack with random values (`make secrets`; never overwrites)'],
  [/^secrets\/README\.md$/, () => 'what each secret file holds and how to use your own values'],
  [/^secrets\/\.gitignore$/, () => 'keeps every secret value in `secrets/` out of git'],
  [/^Makefile$/, () => 'the one-command entry points: `make doctor`, `up`, `down`, `logs`, `test`, `shell`, `seed`, `reset` (`make` lists them)'],
  [/^\.devcontainer\/devcontainer\.json$/, () => 'the same stack in VS Code Dev Containers or Codespaces'],
  [/^\.devcontainer\/compose\.devcontainer\.yaml$/, () => 'mounts the whole repository into the service VS Code opens'],
  [/^deploy\/kubernetes\/README\.md$/, () => 'the manifests\' layout, the namespaces and the Secrets to create before the first deploy'],
  [/^deploy\/kubernetes\/base\/kustomization\.yaml$/, () => 'the base: every resource, and a ConfigMap per service from `env/<service>.env`'],
  [/^deploy\/kubernetes\/base\/deployment\.yaml$/, () => 'a Deployment per service (probes, securityContext, resources)'],
  [/^deploy\/kubernetes\/base\/service\.yaml$/, () => 'a Service per service with a port, named as the hostname the code uses'],
  [/^deploy\/kubernetes\/base\/serviceaccount\.yaml$/, () => 'a ServiceAccount per service, without an API token'],
  [/^deploy\/kubernetes\/base\/backing\.yaml$/, () => 'a StatefulSet and a headless Service per backing service'],
  [/^deploy\/kubernetes\/base\/networkpolicy\.yaml$/, () => 'default deny, then the traffic `dependsOn` implies'],
  [/^deploy\/kubernetes\/base\/job\.yaml$/, () => 'release commands (migrations) as Jobs; deploy.sh runs them before the rollouts'],
  [/^deploy\/kubernetes\/base\/env\/(.+)\.env$/, (m) => `non-secret environment of ${m[1]} (NAME=value), for its ConfigMap`],
  [/^deploy\/kubernetes\/components\/ambassador-(.+)\/kustomization\.yaml$/, (m) => `optional component: ${m[1]} outside the cluster, reached through an ambassador (a TCP proxy beside the app)`],
  [/^deploy\/kubernetes\/components\/ambassador-(.+)\/patches\.yaml$/, (m) => `the patches of the ambassador-${m[1]} component (the Service selects the ambassador)`],
  [/^deploy\/kubernetes\/components\/ambassador-(.+)\/ambassador\.yaml$/, (m) => `the ambassador of ${m[1]}: HAProxy's configuration, Deployment and NetworkPolicy`],
  [/^deploy\/kubernetes\/components\/external-(.+)\/kustomization\.yaml$/, (m) => `optional component: ${m[1]} on an instance outside the cluster`],
  [/^deploy\/kubernetes\/components\/external-(.+)\/patches\.yaml$/, (m) => `the patches of the external-${m[1]} component (ExternalName Service)`],
  [/^deploy\/kubernetes\/overlays\/(\w+)\/kustomization\.yaml$/, (m) => `the ${m[1]} overlay: namespace, image tags, ingress controller`],
  [/^deploy\/kubernetes\/overlays\/(\w+)\/ingress\.yaml$/, (m) => `the Ingress of ${m[1]} (public services; the hosts are examples)`],
  [/^deploy\/kubernetes\/overlays\/(\w+)\/resources\.yaml$/, (m) => `replicas and resources in ${m[1]}`],
  [/^deploy\/kubernetes\/overlays\/(\w+)\/hpa\.yaml$/, (m) => `HorizontalPodAutoscalers in ${m[1]}`],
  [/^deploy\/kubernetes\/overlays\/(\w+)\/pdb\.yaml$/, (m) => `PodDisruptionBudgets in ${m[1]}`],
  [/^deploy\/kubernetes\/overlays\/(\w+)\/spread\.yaml$/, (m) => `spreads the replicas of ${m[1]} over nodes and zones`],
  [/^deploy\/kubernetes\/components\/external-secrets\/kustomization\.yaml$/, () => 'optional component: ExternalSecrets instead of Secrets created by hand'],
  [/^deploy\/kubernetes\/components\/external-secrets\/externalsecrets\.yaml$/, () => 'an ExternalSecret per Secret the app reads (External Secrets Operator)'],
  [/^deploy\/kubernetes\/components\/podmonitors\/kustomization\.yaml$/, () => 'optional component: PodMonitors for the Prometheus Operator'],
  [/^deploy\/kubernetes\/components\/podmonitors\/podmonitors\.yaml$/, () => 'a PodMonitor per service that serves Prometheus metrics'],
  [/^deploy\/scripts\/deploy\.sh$/, () => 'deploys an environment with kustomize (default) or Helm, checks its Secrets, waits for the rollouts'],
  [/^deploy\/kubernetes\/(staging|production)\/(\w+)\.yaml$/, (m) => `plain manifests of ${m[1]} (${m[2]}), for kubectl apply -f`],
  [/^deploy\/argocd\/applicationset\.yaml$/, () => 'Argo CD ApplicationSet: an Application per environment, synced from Git'],
  [/^deploy\/argocd\/(\w+)\.yaml$/, (m) => `Argo CD Application of ${m[1]}, synced from Git`],
  [/^deploy\/scripts\/deploy\.sh$/, () => 'deploys an environment with the chosen tool (kustomize, Helm or kubectl apply -f), checks its Secrets, waits for the rollouts'],
  [/^deploy\/kubernetes\/blue-green\/(blue|green)\/kustomization\.yaml$/, (m) => `the ${m[1]} stack: production in the namespace <app>-${m[1]}`],
  [/^deploy\/kubernetes\/blue-green\/front\/kustomization\.yaml$/, () => 'the public entry of blue/green production: the Ingress and a Service per public service'],
  [/^deploy\/kubernetes\/blue-green\/front\/services\.yaml$/, () => 'per public service, an ExternalName Service pointing at the active stack (switch.sh moves it)'],
  [/^deploy\/kubernetes\/blue-green\/front\/ingress\.yaml$/, () => 'the production Ingress, in front of the active stack'],
  [/^deploy\/scripts\/switch\.sh$/, () => 'moves public traffic between the blue and green stacks, with --status and --rollback'],
  [/^deploy\/scripts\/undeploy\.sh$/, () => 'removes an environment\'s workloads (keeps the namespace, Secrets and volumes)'],
  [/^deploy\/helm\/[^/]+\/Chart\.yaml$/, () => 'the Helm chart: name, version, appVersion'],
  [/^deploy\/helm\/[^/]+\/\.helmignore$/, () => 'files helm package leaves out'],
  [/^deploy\/helm\/[^/]+\/values\.yaml$/, () => 'the chart\'s defaults, commented'],
  [/^deploy\/helm\/[^/]+\/values\.schema\.json$/, () => 'the JSON schema helm checks values against'],
  [/^deploy\/helm\/[^/]+\/values-(\w+)\.yaml$/, (m) => `the values of ${m[1]}`],
  [/^deploy\/helm\/[^/]+\/templates\/NOTES\.txt$/, () => 'what helm prints after an install'],
  [/^deploy\/helm\/[^/]+\/templates\/_helpers\.tpl$/, () => 'names and labels shared by the chart\'s templates'],
  [/^deploy\/helm\/[^/]+\/templates\/_networkpolicy\.tpl$/, () => 'the NetworkPolicy rules shared by the chart\'s templates'],
  [/^deploy\/helm\/[^/]+\/templates\/_pod\.tpl$/, () => 'the pod spec shared by a service\'s Deployment and a release command\'s Job'],
  [/^deploy\/helm\/[^/]+\/templates\/job\.yaml$/, () => 'release commands (migrations) as Jobs, run as hooks after install and before each upgrade'],
  [/^deploy\/helm\/[^/]+\/templates\/tests\/(.+)\.yaml$/, () => '`helm test`: checks the services answer'],
  [/^deploy\/helm\/[^/]+\/templates\/podmonitor\.yaml$/, () => 'PodMonitors for the Prometheus Operator (metrics.scrape: podMonitor)'],
  [/^deploy\/helm\/[^/]+\/templates\/externalsecret\.yaml$/, () => 'ExternalSecrets that fetch the release\'s Secrets from a secret manager (secrets.provider: externalSecrets)'],
  [/^deploy\/helm\/[^/]+\/templates\/(.+)\.yaml$/, (m) => `chart template: ${m[1]}`],
  [/^onboarding\.md$/, () => 'this onboarding guide: install, run, test, ship, extend'],
  [/^architecture\.md$/, () => 'the services, backing services and environments, as Mermaid diagrams'],
  [/^operations\.md$/, () => 'secrets, deploys, rollbacks, logs, and this table'],
  [/^\.github\/workflows\/ci\.yml$/, () => 'GitHub Actions CI: builds each changed image once, lints, tests it in its dev stage, smoke-tests the Compose stack'],
  [/^\.github\/workflows\/cd\.yml$/, () => 'GitHub Actions CD: deploys the digests CI built to staging, then production behind its environment'],
  [/^\.github\/workflows\/preview\.yml$/, () => 'GitHub Actions previews: a namespace per pull request, removed when it closes'],
  [/^\.github\/workflows\/(.+)$/, (m) => `GitHub Actions workflow ${m[1]}`],
  [/^\.github\/dependabot(\.containerize)?\.yml$/, () => 'Dependabot: keeps the actions, base images and packages current'],
  [/^ci\/changes\.sh$/, () => 'CI: which images a push or pull request must rebuild'],
  [/^ci\/lint\.sh$/, () => 'CI: lints the Dockerfiles, Compose file, chart and manifests'],
  [/^ci\/smoke\.sh$/, () => 'CI: starts the Compose stack from the built images and checks every health route'],
  [/^ci\/tag\.sh$/, () => 'CI: tags the digests built on the default branch'],
  [/^ci\/deploy\.sh$/, () => 'CD: deploys by digest with kustomize or Helm, waits, smoke-tests, rolls back on failure'],
];

export function purpose(path: string, stage: string, model: StackModel): string {
  for (const [re, say] of RULES) {
    const m = re.exec(path);
    if (m) return say(m, model);
  }
  return `written by the ${stage} stage`;
}
