/** `yo containerize:helm`: the run loop is StageGenerator's; this stage's files are declared in ./files.ts. */
import { defineStage } from '../../lib/generator/stage.js';
import { files } from './files.js';

export default defineStage('helm', 'Write the Helm chart for the whole app.', files);
