/** The PHP pack: Composer; Apache or the start command (PHP reads the source on every request). */
import { noTests } from '../../render/devloop.js';
import { profile, small } from '../../render/profiles.js';
import type { LanguagePack } from '../types.js';
import { phpDetector, PHP } from './detect.js';
import { PHP_DEV_VOLUMES, phpDockerfile, phpHealth } from './dockerfile.js';

export const phpPack: LanguagePack = {
  language: 'php',
  frameworks: PHP.frameworks,
  packageManagers: PHP.packageManagers,
  detector: phpDetector,
  dockerfile: phpDockerfile,
  health: phpHealth,
  dependencyInstall: /composer install/,
  slowStart: false,
  devVolumes: () => PHP_DEV_VOLUMES,
  devEnv: () => ({}),
  debugPort: null,
  editorExtensions: ['bmewburn.vscode-intelephense-client'],
  testCommand: () =>
    `if [ -x vendor/bin/phpunit ] && { [ -f phpunit.xml ] || [ -f phpunit.xml.dist ]; }; then exec vendor/bin/phpunit; elif php -r 'exit(isset(json_decode(file_get_contents("composer.json"), true)["scripts"]["test"]) ? 0 : 1);'; then exec composer test; else ${noTests('no phpunit.xml and no composer test script')}; fi`,
  ignore: () => ['# PHP: Composer installs vendor/ in the image', 'vendor', 'node_modules', '.phpunit.result.cache', '.php-cs-fixer.cache'],
  // The image points APACHE_RUN_DIR, APACHE_LOCK_DIR and the pid file at /tmp/apache2;
  // PHP sessions and uploads go to /tmp too.
  runtime: () => profile(small),
  readOnlyRoot: () => false,
  needsPort: (svc) => (svc.start[0] === 'apache2-foreground' ? 'its image runs Apache' : null),
};
