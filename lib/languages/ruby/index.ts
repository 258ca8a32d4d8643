/** The Ruby pack: Bundler; Rails (its server reloads code in development) or a Rack app. */
import { noTests } from '../../render/devloop.js';
import { clr, profile, TMP } from '../../render/profiles.js';
import type { LanguagePack } from '../types.js';
import { rubyDetector, RUBY, rubyFramework } from './detect.js';
import { rubyDockerfile, rubyHealth } from './dockerfile.js';

export const rubyPack: LanguagePack = {
  language: 'ruby',
  frameworks: RUBY.frameworks,
  packageManagers: RUBY.packageManagers,
  detector: rubyDetector,
  dockerfile: rubyDockerfile,
  health: rubyHealth,
  dependencyInstall: /bundle install/,
  slowStart: false,
  // Gems live in /usr/local/bundle: nothing under /app.
  devVolumes: () => [],
  devEnv: (svc): Record<string, string> => (rubyFramework(svc) === 'rails' ? { RAILS_ENV: 'development' } : {}),
  debugPort: null,
  editorExtensions: ['Shopify.ruby-lsp'],
  testCommand: () => `if [ -d spec ]; then exec bundle exec rspec; elif [ -d test ]; then exec bundle exec rake test; else ${noTests('no spec/ or test/ folder')}; fi`,
  ignore: (svc) => [
    '# Ruby: gems are installed in the image; runtime state stays out',
    'vendor/bundle',
    '.bundle',
    'log/*',
    'tmp/*',
    '!log/.keep',
    '!tmp/.keep',
    'storage/*',
    '!storage/.keep',
    'node_modules',
    ...(svc.build ? ['public/assets', 'public/packs'] : []),
  ],
  // The image moves Rails' pid file and bootsnap cache to /tmp and logs to stdout, but
  // Rails' default file cache store and other tmp/ writes still land in /app/tmp.
  runtime: (svc) => profile(clr, rubyFramework(svc) === 'rails' ? [...TMP, '/app/tmp'] : TMP),
  readOnlyRoot: () => false,
  needsPort: (svc) => (rubyFramework(svc) === 'rails' ? 'its dev container runs `rails server -p <port>`' : null),
};
