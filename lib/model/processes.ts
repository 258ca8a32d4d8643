/**
 * Several processes of one folder (docs/model.md, "Processes of one image"). A service with
 * `imageFrom` runs the image of another service (its image owner) with its own start command:
 * one Dockerfile per folder, one image built, several commands run. A `release` process is a
 * one-off command (migrations) the other services of that image wait for.
 *
 * What an image is made of belongs to its owner: a process's path and IMAGE_FIELDS follow the
 * owner's (`followOwners` copies them after the answer layers are merged, so `--set
 * web.languageVersion=3.13` moves the worker too), and validation reports a model edited by
 * hand where they differ.
 */
import type { ServiceModel, StackModel } from './types.js';

/** The fields that describe the image, not the process: a process takes them from its image owner. */
export const IMAGE_FIELDS = ['path', 'language', 'languageVersion', 'framework', 'packageManager', 'lockfile', 'build', 'entry', 'outputDir', 'dockerfile'] as const;

/** The service whose image `name` runs: itself, or the one its `imageFrom` names. */
export function imageOwner(model: StackModel, name: string): string {
  return model.services[name]?.imageFrom ?? name;
}

/** True when the service builds an image of its own (it is not another service's process). */
export const ownsImage = (svc: ServiceModel): boolean => !svc.imageFrom;

/** The processes that run the image of `owner` (not the owner itself), sorted. */
export function processesOf(model: StackModel, owner: string): string[] {
  return Object.keys(model.services)
    .filter((n) => model.services[n]!.imageFrom === owner)
    .sort();
}

/** The release processes that must complete before `name` starts: those of its image, other than itself. */
export function releasesBefore(model: StackModel, name: string): string[] {
  const svc = model.services[name];
  if (!svc || svc.release) return [];
  const owner = imageOwner(model, name);
  return processesOf(model, owner).filter((n) => n !== name && model.services[n]!.release === true);
}

/**
 * Copies each process's image fields from its owner, and drops `imageFrom: null` and
 * `release: false|null` (the defaults) so the stored model stays minimal. In place; a process
 * whose owner is missing or is itself a process is left for validation to report.
 */
export function followOwners(model: StackModel): StackModel {
  for (const svc of Object.values(model.services ?? {})) {
    const raw = svc as unknown as Record<string, unknown>;
    if (raw.imageFrom === null || raw.imageFrom === undefined) delete raw.imageFrom;
    if (raw.release === false || raw.release === null || raw.release === undefined) delete raw.release;
  }
  for (const svc of Object.values(model.services ?? {})) {
    const owner = svc.imageFrom ? model.services[svc.imageFrom] : undefined;
    if (!owner || owner.imageFrom) continue;
    const target = svc as unknown as Record<string, unknown>;
    for (const field of IMAGE_FIELDS) target[field] = (owner as unknown as Record<string, unknown>)[field];
    // A process added by flags alone (--set worker.imageFrom=web --set worker.start=...): a worker
    // of the same code: its env and what its owner calls.
    target.port ??= null;
    target.healthPath ??= null;
    target.public ??= false;
    target.env ??= JSON.parse(JSON.stringify(owner.env ?? {}));
    target.dependsOn ??= [...owner.dependsOn];
  }
  return model;
}

/**
 * Problems with the processes of a model, each as `<field>: <what is wrong>; expected <what>,
 * e.g. <example>` (read by lib/model/validate.ts).
 */
export function processProblems(model: StackModel): string[] {
  const problems: string[] = [];
  const services = (model.services ?? {}) as Record<string, ServiceModel>;
  const plain = (s: string) => (/^[A-Za-z0-9_-]{1,80}$/.test(s) ? s : '<name>');
  for (const [name, svc] of Object.entries(services)) {
    if (typeof svc !== 'object' || svc === null) continue;
    const at = `services.${plain(name)}`;
    const raw = svc as unknown as Record<string, unknown>;
    // Their types are the model validator's (OPTIONAL_FIELDS in ./validate.ts); these are the rules across services.
    if (raw.imageFrom === undefined || raw.imageFrom === null) {
      if (svc.release === true) problems.push(`${at}.release: a release command with no imageFrom; expected the service whose image it runs, e.g. --set ${plain(name)}.imageFrom=web`);
      continue;
    }
    if (typeof raw.imageFrom !== 'string' || raw.imageFrom === '') continue;
    const ownerName = svc.imageFrom!;
    const owner = services[ownerName];
    if (ownerName === name) problems.push(`${at}.imageFrom: names the service itself; expected another service, the one whose image it runs`);
    else if (!owner) problems.push(`${at}.imageFrom: "${plain(ownerName)}" is not a service; expected one of ${Object.keys(services).filter((n) => n !== name).map(plain).join(', ')}`);
    else if (owner.imageFrom) problems.push(`${at}.imageFrom: "${plain(ownerName)}" runs the image of "${plain(owner.imageFrom)}" itself; expected the service that builds the image, e.g. --set ${plain(name)}.imageFrom=${plain(owner.imageFrom)}`);
    else
      for (const field of IMAGE_FIELDS) {
        const mine = JSON.stringify((svc as unknown as Record<string, unknown>)[field] ?? null);
        const theirs = JSON.stringify((owner as unknown as Record<string, unknown>)[field] ?? null);
        if (mine !== theirs) problems.push(`${at}.${field}: ${mine} differs from "${plain(ownerName)}", whose image it runs; expected ${theirs} (set it on ${plain(ownerName)})`);
      }
    if (svc.release && svc.port !== null) problems.push(`${at}.port: ${JSON.stringify(svc.port)} on a release command, which runs once and serves nothing; expected null, e.g. --set ${plain(name)}.port=null`);
    if (svc.release && svc.public) problems.push(`${at}.public: true on a release command, which serves nothing; expected false`);
  }
  return problems;
}
