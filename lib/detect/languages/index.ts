import type { LanguageDetector } from '../types.js';
import { nodeDetector } from './node.js';
import { pythonDetector } from './python.js';
import { goDetector } from './go.js';
import { javaDetector } from './java.js';
import { rubyDetector } from './ruby.js';
import { phpDetector } from './php.js';
import { dotnetDetector } from './dotnet.js';
import { rustDetector } from './rust.js';
import { staticDetector } from './static.js';

/**
 * Every language detector, most specific first: the first one whose `matches`
 * accepts a folder decides its language. `static` comes last because a folder
 * with a package.json and an index.html is a Node project.
 */
export const LANGUAGE_DETECTORS: LanguageDetector[] = [
  nodeDetector,
  pythonDetector,
  goDetector,
  javaDetector,
  rubyDetector,
  phpDetector,
  dotnetDetector,
  rustDetector,
  staticDetector,
];
