/**
 * Running the helm binary that scripts/setup/tools.sh installs in
 * .tools/bin (or $HELM_BIN): `helm lint --strict` and `helm template`, with
 * the rendered output parsed into documents for validateManifests and
 * checkRules (./k8s.ts). Used by the tests; nothing here talks to a cluster.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** The helm binary: $HELM_BIN, else the nearest .tools/bin/helm above this file (source or dist). */
export function helmPath(): string {
  if (process.env.HELM_BIN) return process.env.HELM_BIN;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, '.tools', 'bin', 'helm');
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.tools', 'bin', 'helm');
    dir = up;
  }
}

export function helmAvailable(): boolean {
  return existsSync(helmPath());
}

export interface HelmResult {
  ok: boolean;
  status: number | null;
  stdout: string;
  stderr: string;
  /** The command line, for messages. */
  command: string;
}

export class HelmError extends Error {
  constructor(readonly result: HelmResult) {
    super(`${result.command} failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
    this.name = 'HelmError';
  }
}

/** Run helm with `args`; never throws for a non-zero exit (see `ok`). */
export function helm(args: string[], cwd?: string): HelmResult {
  const bin = helmPath();
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HELM_NAMESPACE: process.env.HELM_NAMESPACE ?? 'default' } });
  if (r.error) throw r.error;
  return { ok: r.status === 0, status: r.status, stdout: r.stdout, stderr: r.stderr, command: ['helm', ...args].join(' ') };
}

export interface ValuesOptions {
  /** Values files, in order (-f). Relative paths are relative to the chart folder. */
  valuesFiles?: string[];
  /** --set key=value pairs. */
  set?: string[];
  /** --set-string key=value pairs. */
  setString?: string[];
}

function valuesArgs(chartDir: string, o: ValuesOptions): string[] {
  return [
    ...(o.valuesFiles ?? []).flatMap((f) => ['-f', resolve(chartDir, f)]),
    ...(o.set ?? []).flatMap((s) => ['--set', s]),
    ...(o.setString ?? []).flatMap((s) => ['--set-string', s]),
  ];
}

/** `helm lint --strict` (warnings fail too) of a chart folder. */
export function helmLint(chartDir: string, o: ValuesOptions & { strict?: boolean } = {}): HelmResult {
  return helm(['lint', ...(o.strict === false ? [] : ['--strict']), chartDir, ...valuesArgs(chartDir, o)]);
}

export interface TemplateOptions extends ValuesOptions {
  /** Release name (default: the chart folder's name). */
  release?: string;
  namespace?: string;
  /** --kube-version, e.g. 1.30.0 (the Capabilities the templates see). */
  kubeVersion?: string;
  /** Leave out the test hooks (helm template includes them by default). */
  skipTests?: boolean;
}

/** `helm template` of a chart folder; the result's stdout is the rendered YAML. */
export function helmTemplate(chartDir: string, o: TemplateOptions = {}): HelmResult {
  const release = o.release ?? chartDir.split(/[\\/]/).filter(Boolean).pop()!;
  return helm([
    'template',
    release,
    chartDir,
    ...(o.namespace ? ['--namespace', o.namespace] : []),
    ...(o.kubeVersion ? ['--kube-version', o.kubeVersion] : []),
    ...(o.skipTests ? ['--skip-tests'] : []),
    ...valuesArgs(chartDir, o),
  ]);
}

/** Parse multi-document YAML into objects, dropping empty documents; YAML errors throw. */
export function parseManifests(text: string): object[] {
  const out: object[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`invalid YAML in rendered manifests: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`a rendered document is not an object: ${JSON.stringify(value).slice(0, 80)}`);
    out.push(value);
  }
  return out;
}

/** `helm template`, parsed; throws a HelmError when helm fails (schema errors, `required`, `fail`). */
export function renderChart(chartDir: string, o: TemplateOptions = {}): object[] {
  const r = helmTemplate(chartDir, o);
  if (!r.ok) throw new HelmError(r);
  return parseManifests(r.stdout);
}
