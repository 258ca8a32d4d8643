/** `yo containerize:dev`: the run loop is StageGenerator's; this stage's files, and its check of them, are declared in ./files.ts. */
import { defineStage } from '../../lib/generator/stage.js';
import { check, files } from './files.js';

export default defineStage('dev', 'Write the dev loop: hot reload in containers, devcontainer, make targets.', files, check);
