// What the bundled bin gets for `import ... from 'fly-import'` (yeoman-environment imports it
// for installing generators from npm on the fly, with pacote and arborist behind it: about
// 0.2 s to import). Every environment constructs a FlyRepository, but ours never installs
// anything; so the real module is imported the first time one of its functions is called,
// and each call is handed to it unchanged.
let real;
const load = () => (real ??= import('fly-import'));

export class FlyRepository {
  #config;
  #repository;
  constructor(config) {
    this.#config = config;
  }
  get repositoryPath() {
    return this.#config.repositoryPath;
  }
  async #real() {
    this.#repository ??= new (await load()).FlyRepository(this.#config);
    return this.#repository;
  }
  async load() {
    return (await this.#real()).load();
  }
  async install(spec) {
    return (await this.#real()).install(spec);
  }
  async import(spec) {
    return (await this.#real()).import(spec);
  }
}

export const flyImport = async (...args) => (await load()).flyImport(...args);
export const flyInstall = async (...args) => (await load()).flyInstall(...args);
