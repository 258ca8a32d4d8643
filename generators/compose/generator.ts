/** `yo containerize:compose`: the run loop is StageGenerator's; this stage's files are declared in ./files.ts. */
import { defineStage } from '../../lib/generator/stage.js';
import { files } from './files.js';

export default defineStage('compose', 'Write compose.yaml for the whole app, backing services included.', files);
