/** A static site's Dockerfile recipe: the data ./Dockerfile.ejs lays out (unprivileged nginx). */
import { portOf } from '../../model/derive.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackModel } from '../../model/types.js';
import { common, folder, labels, nginxSpaConf, runBlock, tail, versioned, type HealthKind } from '../../render/dockerfile-kit.js';
import type { DockerfileRecipe } from '../types.js';

/** The nginx image (Debian) has bash. */
export const staticHealth = (): HealthKind => 'bash';

function staticContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const nginx = versioned('nginx', 'NGINX_VERSION', svc.languageVersion);
  const outputDir = folder(svc.outputDir);
  const config = svc.entry;
  const port = portOf(svc);
  // The user's config: a whole nginx.conf (with an http block) replaces the main file, a server block goes to conf.d.
  const installConfig = config
    ? /\.template$/.test(config)
      ? [`mkdir -p /etc/nginx/templates`, `cp /tmp/site.conf /etc/nginx/templates/default.conf.template`]
      : [
          `if grep -Eq '^[[:space:]]*http[[:space:]]*\\{' /tmp/site.conf; then cp /tmp/site.conf /etc/nginx/nginx.conf; else cp /tmp/site.conf /etc/nginx/conf.d/default.conf; fi`,
        ]
    : null;
  const c = common(model, name, `static site served by unprivileged nginx ${svc.languageVersion}${config ? ` with ${config}` : ''}`);
  return {
    ...c,
    nginx,
    outputDir,
    config,
    configRun: installConfig ? runBlock([`type=bind,source=${config},target=/tmp/site.conf`], installConfig) : null,
    defaultConf: config ? null : nginxSpaConf(port),
    labels: labels(model, name, svc, nginx.resolved),
    devTail: tail(svc, { dev: true, cmd: ['nginx', '-g', 'daemon off;'] }),
    runtimeTail: tail(svc, { cmd: ['nginx', '-g', 'daemon off;'], health: staticHealth() }),
  };
}

export const staticDockerfile = (model: StackModel, name: string): DockerfileRecipe => ({
  template: join(dirname(fileURLToPath(import.meta.url)), 'Dockerfile.ejs'),
  context: staticContext(model, name),
});
