/**
 * Values derived from the model, computed in memory and never stored. Every
 * artifact reads them from here, so the Dockerfile's USER, the pod's
 * runAsUser, the Compose port and the probe's port can never disagree.
 */
import type { ServiceModel, StackModel } from './types.js';

/** Numeric user and group of every generated image, and of the pods' securityContext. */
export const CONTAINER_UID = 10001;
export const CONTAINER_GID = 10001;

/** Image repository of a service, registry-neutral: `<registry>/<app>-<service>`. */
export function imageRepository(model: StackModel, service: string): string {
  return `${model.registry}/${model.name}-${service}`;
}

export function serviceNames(model: StackModel): string[] {
  return Object.keys(model.services).sort();
}

export function backingNames(model: StackModel): string[] {
  return Object.keys(model.backing).sort();
}

/** Services that listen on a port. */
export function httpServices(model: StackModel): [string, ServiceModel][] {
  return serviceNames(model)
    .map((n) => [n, model.services[n]!] as [string, ServiceModel])
    .filter(([, s]) => s.port !== null);
}

/** Services that use a given backing service or service, sorted. */
export function usersOf(model: StackModel, target: string): string[] {
  return serviceNames(model).filter((n) => model.services[n]!.dependsOn.includes(target));
}
