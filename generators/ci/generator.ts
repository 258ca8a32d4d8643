/** `yo containerize:ci`: the run loop is StageGenerator's; this stage's files are declared in ./files.ts. */
import { defineStage } from '../../lib/generator/stage.js';
import { files } from './files.js';

export default defineStage('ci', 'Write GitHub Actions workflows that build and test the images.', files);
