/**
 * What a developer's machine needs for this stack, with minimum versions: one list, read
 * by `containerize doctor` (lib/doctor/checks.ts) and by the generated onboarding guide
 * (generators/docs), so the guide and the check can never disagree.
 *
 * The minimums are the oldest versions the generated files are written for. podman 4.3.1
 * and podman-compose 1.0.3 (Debian 12's) are the ones the e2e tier runs the stack with;
 * the Docker, kubectl and helm minimums are reasoned, not tested here (docs/development.md).
 */
import type { StackModel } from '../model/types.js';

export interface Tool {
  /** Command name, as on PATH. */
  command: string;
  /** Human name in the table and the guide. */
  label: string;
  minimum: string;
  /** Arguments that print the version (anything with a dotted version in it). */
  versionArgs: string[];
  /** Where the version is in that output, when it is not the first dotted number (group 1). */
  versionPattern?: RegExp;
  /** What it is for in this stack. */
  why: string;
  /** Where to get it. */
  install: string;
}

export const DOCKER: Tool = {
  command: 'docker',
  label: 'Docker Engine',
  minimum: '24.0',
  versionArgs: ['version', '--format', '{{.Client.Version}}'],
  why: 'builds the images and runs the Compose stack',
  install: 'https://docs.docker.com/engine/install/ (Docker Desktop on macOS and Windows)',
};
export const DOCKER_COMPOSE: Tool = {
  command: 'docker',
  label: 'Docker Compose v2 (`docker compose`)',
  minimum: '2.20',
  versionArgs: ['compose', 'version', '--short'],
  why: 'the Makefile runs `docker compose` when it answers',
  install: 'https://docs.docker.com/compose/install/ (the compose plugin; Docker Desktop has it)',
};
export const PODMAN: Tool = {
  command: 'podman',
  label: 'podman',
  minimum: '4.3',
  versionArgs: ['version', '--format', '{{.Client.Version}}'],
  why: 'builds the images and runs the containers, instead of Docker',
  install: 'https://podman.io/docs/installation (Debian/Ubuntu: apt-get install podman)',
};
export const PODMAN_COMPOSE: Tool = {
  command: 'podman-compose',
  label: 'podman-compose',
  minimum: '1.0.3',
  versionArgs: ['--version'],
  // 1.0.x prints podman's version first ("using podman version: 4.3.1"), then "podman-composer version  1.0.3".
  versionPattern: /podman-composer? version:?\s+v?(\d+\.\d+(?:\.\d+)?)/,
  why: 'the Makefile runs it where `docker compose` does not answer',
  install: 'pip install podman-compose (Debian/Ubuntu: apt-get install podman-compose)',
};
export const GIT: Tool = {
  command: 'git',
  label: 'git',
  minimum: '2.25',
  versionArgs: ['--version'],
  why: 'clone the repository; `make env` keeps .env out of commits',
  install: 'https://git-scm.com/downloads',
};
export const MAKE: Tool = {
  command: 'make',
  label: 'GNU make',
  minimum: '3.81',
  versionArgs: ['--version'],
  why: 'the one-command entry points (`make up`, `make test`...)',
  install: 'Debian/Ubuntu: apt-get install make; macOS: xcode-select --install',
};
export const KUBECTL: Tool = {
  command: 'kubectl',
  label: 'kubectl',
  minimum: '1.27',
  versionArgs: ['version', '--client'],
  why: 'deploy/scripts/deploy.sh applies the kustomize overlays (kustomize v5 is built in from 1.27)',
  install: 'https://kubernetes.io/docs/tasks/tools/',
};
export const HELM: Tool = {
  command: 'helm',
  label: 'Helm',
  minimum: '3.8',
  versionArgs: ['version', '--template', '{{.Version}}'],
  why: 'only for `deploy/scripts/deploy.sh <env> --helm` (the default deploy uses kubectl alone)',
  install: 'https://helm.sh/docs/intro/install/',
};

/** The two ways to run the stack: either is enough. */
export const ENGINES = [
  { name: 'docker', engine: DOCKER, compose: DOCKER_COMPOSE },
  { name: 'podman', engine: PODMAN, compose: PODMAN_COMPOSE },
] as const;

/**
 * True when the stack deploys to Kubernetes. The kubernetes and helm stages render for
 * every model today (deploy/kubernetes, deploy/helm, deploy/scripts); when the model can
 * say "Compose only", this is the one place that reads it.
 */
export const deploysToKubernetes = (_model: StackModel): boolean => true;

/** The tools this stack needs besides the container engine, in table order; `optional` ones warn instead of failing. */
export function tools(model: StackModel): { tool: Tool; optional: boolean; deploy: boolean }[] {
  const list = [
    { tool: GIT, optional: false, deploy: false },
    { tool: MAKE, optional: false, deploy: false },
  ];
  if (deploysToKubernetes(model)) list.push({ tool: KUBECTL, optional: false, deploy: true }, { tool: HELM, optional: true, deploy: true });
  return list;
}

/** The first dotted version in a command's output ("git version 2.39.5" → "2.39.5", "v1.32.4-x" → "1.32.4"). */
export function parseVersion(output: string, pattern?: RegExp): string | null {
  if (pattern) return pattern.exec(output)?.[1] ?? null;
  return /(\d+)\.(\d+)(?:\.(\d+))?/.exec(output)?.[0] ?? null;
}

/** a >= b, comparing dotted numbers (missing parts are 0). */
export function atLeast(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}
