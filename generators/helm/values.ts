/**
 * The chart's view of the stack model: everything values.yaml and the
 * environment files need, computed once from the model and the profiles.
 * Pure: the same model gives the same data, in the same (sorted) order.
 */
import { backingNames, CONTAINER_GID, CONTAINER_UID, imageRepository, serviceNames } from '../../lib/model/derive.js';
import type { BackingKind, ServiceModel, StackModel } from '../../lib/model/types.js';
import { imagePin, tagFor } from '../../lib/render/images.js';
import { BACKING_PROFILES, runtimeProfile, type BackingProfile, type RuntimeProfile } from './profiles.js';

export const CHART_VERSION = '0.1.0';
export const APP_VERSION = '0.1.0';

export interface ServiceData {
  name: string;
  svc: ServiceModel;
  repository: string;
  profile: RuntimeProfile;
  /** Non-secret variables with a known value, sorted by name: the ConfigMap. */
  env: [string, string][];
  /** Non-secret variables without a known value: listed as comments to fill in. */
  unsetEnv: string[];
  /** Secret variables, sorted: keys of existingSecret. */
  secretEnv: string[];
  /** Default name of the user's Secret ('' when the service has no secret variable). */
  existingSecret: string;
  dependsOn: string[];
}

export interface BackingData {
  name: string;
  kind: BackingKind;
  repository: string;
  tag: string;
  profile: BackingProfile;
  env: [string, string][];
  secretEnv: [string, string][];
  existingSecret: string;
}

export interface ChartData {
  name: string;
  chartVersion: string;
  appVersion: string;
  uid: number;
  gid: number;
  services: ServiceData[];
  backing: BackingData[];
  /** Names of the services with public: true and a port. */
  publicServices: string[];
  testImage: { repository: string; tag: string };
}

const sortedEntries = (o: Record<string, string>): [string, string][] =>
  Object.keys(o)
    .sort()
    .map((k) => [k, o[k]!]);

export function chartData(model: StackModel): ChartData {
  const services = serviceNames(model).map((name): ServiceData => {
    const svc = model.services[name]!;
    const envNames = Object.keys(svc.env ?? {}).sort();
    const secretEnv = envNames.filter((k) => svc.env[k]!.secret);
    return {
      name,
      svc,
      repository: imageRepository(model, name),
      profile: runtimeProfile(svc),
      env: envNames.filter((k) => !svc.env[k]!.secret && svc.env[k]!.value !== null).map((k) => [k, svc.env[k]!.value!]),
      unsetEnv: envNames.filter((k) => !svc.env[k]!.secret && svc.env[k]!.value === null),
      secretEnv,
      existingSecret: secretEnv.length ? `${model.name}-${name}` : '',
      dependsOn: [...new Set(svc.dependsOn ?? [])].sort(),
    };
  });
  const backing = backingNames(model).map((name): BackingData => {
    const b = model.backing[name]!;
    const profile = BACKING_PROFILES[b.kind];
    const pin = imagePin(b.kind);
    const secretEnv = sortedEntries(profile.secretEnv);
    return {
      name,
      kind: b.kind,
      repository: pin.repository,
      tag: tagFor(b.kind, b.version),
      profile,
      env: sortedEntries(profile.env(name)),
      secretEnv,
      existingSecret: secretEnv.length ? `${model.name}-${name}` : '',
    };
  });
  const test = imagePin('busybox');
  return {
    name: model.name,
    chartVersion: CHART_VERSION,
    appVersion: APP_VERSION,
    uid: CONTAINER_UID,
    gid: CONTAINER_GID,
    services,
    backing,
    publicServices: services.filter((s) => s.svc.public && s.svc.port !== null).map((s) => s.name),
    testImage: { repository: test.repository, tag: test.tag },
  };
}
