/**
 * The runtime and backing-service profiles moved to lib/render/profiles.ts,
 * where the Helm chart and the plain Kubernetes manifests both read them
 * (through lib/render/workloads.ts). Re-exported here for existing imports.
 */
export * from '../../lib/render/profiles.js';
