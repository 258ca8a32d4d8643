/** `yo containerize:compose`: the run loop is StageGenerator's; this stage's files, and its check of them, are declared in ./files.ts. */
import { defineStage } from '../../lib/generator/stage.js';
import { check, files } from './files.js';

export default defineStage('compose', 'Write compose.yaml for the whole app, backing services included.', files, check);
