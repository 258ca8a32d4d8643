/** `yo containerize:kubernetes`: the run loop is StageGenerator's; this stage's files are declared in ./files.ts. */
import { defineStage } from '../../lib/generator/stage.js';
import { files } from './files.js';

export default defineStage('kubernetes', 'Write plain Kubernetes manifests (kustomize base and overlays).', files);
