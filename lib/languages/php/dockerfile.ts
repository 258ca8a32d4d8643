/** PHP's Dockerfile recipe: the data ./Dockerfile.ejs lays out (Composer; Apache, or the start command). */
import { portOf } from '../../model/derive.js';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackModel } from '../../model/types.js';
import { ADD_USER, common, envBlock, fixedImage, labels, lockInContext, runBlock, tail, versioned, type HealthKind } from '../../render/dockerfile-kit.js';
import { watchLoop } from '../../render/devloop.js';
import type { DockerfileRecipe } from '../types.js';

/** Dependencies and build output the dev stage keeps in the source folder (the dev layer protects them). */
export const PHP_DEV_VOLUMES = ['/app/vendor'];

/** The image's health check runs with php's http wrapper. */
export const phpHealth = (): HealthKind => 'php';

function phpContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('php', 'PHP_VERSION', svc.languageVersion);
  const apache = svc.start[0] === 'apache2-foreground';
  const docroot = posix.join('/app', svc.outputDir ?? '.').replace(/\/\.?$/, '') || '/app';
  // Apache listens on the model's port; a worker (php worker.php) listens on none.
  const port = apache ? portOf(svc) : null;
  const lock = lockInContext(svc);
  const apacheSetup = apache
    ? [
        // Listen on an unprivileged port, serve /app/<docroot>, allow .htaccess front controllers.
        `sed -ri 's/^Listen 80$/Listen ${port}/' /etc/apache2/ports.conf`,
        `sed -ri 's/<VirtualHost \\*:80>/<VirtualHost *:${port}>/' /etc/apache2/sites-available/000-default.conf`,
        `sed -ri 's#/var/www/html#${docroot}#g' /etc/apache2/sites-available/000-default.conf /etc/apache2/apache2.conf`,
        `sed -ri 's#<Directory /var/www/>#<Directory /app/>#; /<Directory \\/app\\/>/,/<\\/Directory>/ s/AllowOverride None/AllowOverride All/' /etc/apache2/apache2.conf`,
        'a2enmod rewrite',
      ]
    : [];
  const c = common(model, name, `PHP ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, Composer${apache ? ', Apache on port ' + port : ''}`);
  const runtimeEnv: [string, string][] = apache
    ? [
        // Apache as a non-root user: pid and lock files under /tmp (read-only root filesystem).
        ['APACHE_RUN_DIR', '/tmp/apache2'],
        ['APACHE_LOCK_DIR', '/tmp/apache2'],
        ['APACHE_PID_FILE', '/tmp/apache2/apache2.pid'],
      ]
    : [];
  const devCmd = apache ? svc.start : watchLoop(null, svc.start, ['*.php']);
  return {
    ...c,
    base,
    composerImage: fixedImage('composer'),
    apache,
    apacheSetup: apacheSetup.length ? runBlock([], [...apacheSetup, ...ADD_USER]) : runBlock([], ADD_USER),
    manifests: ['composer.json', ...(lock ? [lock] : [])],
    baseEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, base.resolved),
    devTail: tail(svc, { dev: true, cmd: devCmd, ownDirs: PHP_DEV_VOLUMES }),
    runtimeTail: tail(svc, { cmd: svc.start, health: phpHealth() }),
  };
}

export const phpDockerfile = (model: StackModel, name: string): DockerfileRecipe => ({
  template: join(dirname(fileURLToPath(import.meta.url)), 'Dockerfile.ejs'),
  context: phpContext(model, name),
});
