/** The detection library: read a repository, return the stack model with evidence. No Yeoman inside. */
export { detectStack, toModel, type DetectOptions } from './stack.js';
export { discoverServices, type DiscoveredService, type Discovery } from './discover.js';
export { DEFAULT_VERSIONS } from './backing.js';
export { isSecretName } from '../model/secrets.js';
export { openRepo } from './repo.js';
export * from './types.js';
