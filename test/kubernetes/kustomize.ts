/**
 * Helpers for the kubernetes stage's tests: write rendered files to a
 * folder, run `kubectl kustomize` (offline; the kubectl binary that
 * scripts/setup/tools.sh installs in .tools/bin, or $KUBECTL_BIN), and the
 * rule options that fit a model.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseManifests } from '../../lib/validate/helm.js';
import type { K8sObject, RuleOptions } from '../../lib/validate/k8s.js';
import { CONTAINER_UID } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import type { OutputFile } from '../../lib/render/types.js';
import { workloadFacts } from '../../lib/render/workloads.js';
import { REPO_ROOT } from '../helpers/tree.js';

export const kubectlPath = (): string => process.env.KUBECTL_BIN ?? join(REPO_ROOT, '.tools', 'bin', 'kubectl');
export const kubectlAvailable = (): boolean => existsSync(kubectlPath());
export const KUBECTL_SKIP = `kubectl binary not found at ${kubectlPath()}: run \`bash scripts/setup/tools.sh\` (npm test and CI run it)`;

/** `it` for tests that run kubectl: skipped, saying why, when it is absent. */
export function itKubectl(title: string, fn: (this: Mocha.Context) => void | Promise<void>): void {
  if (kubectlAvailable()) it(title, fn);
  else
    it(`${title} [skipped: ${KUBECTL_SKIP}]`, function () {
      this.skip();
    });
}

export function writeFiles(root: string, files: OutputFile[]): void {
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content);
  }
}

/** `kubectl kustomize <dir>`, parsed; throws with kubectl's message when it fails. */
export function kustomize(dir: string): K8sObject[] {
  const r = spawnSync(kubectlPath(), ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed (exit ${r.status}):\n${r.stderr}`);
  return parseManifests(r.stdout) as K8sObject[];
}

/** True for a workload of our images: not a backing service's (its official image) nor an ambassador's (HAProxy's), which run their images' own users. */
export const ownImage =
  (model: StackModel) =>
  (w: K8sObject): boolean => {
    const component = w.metadata?.labels?.['app.kubernetes.io/component'] ?? '';
    return !(component in model.backing || component.replace(/-ambassador$/, '') in model.backing);
  };

/** Rule options for a model: backing services (and their ambassadors) run their images' own users; the Secrets the user creates resolve. */
export function ruleOptions(model: StackModel): RuleOptions {
  const facts = workloadFacts(model);
  return {
    uid: CONTAINER_UID,
    ownImage: ownImage(model),
    userSecrets: [...facts.services.map((s) => s.existingSecret), ...facts.backing.map((b) => b.existingSecret)].filter(Boolean),
  };
}
