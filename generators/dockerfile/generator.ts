/** `yo containerize:dockerfile`: the run loop is StageGenerator's; this stage's files are declared in ./files.ts. */
import { defineStage } from '../../lib/generator/stage.js';
import { files } from './files.js';

export default defineStage('dockerfile', 'Write a Dockerfile and .dockerignore for every service.', files);
