/**
 * Golden files for the taskboard scenario: every file the compose and dev
 * stages render, compared byte for byte with test/golden/compose-taskboard/.
 * After an intended change, rewrite them with UPDATE_GOLDEN=1 and review the diff.
 * (The golden secrets/.gitignore is live in git: it ignores everything in that
 * folder except the three files it lists, which are exactly the golden ones.)
 */
import { files as composeFiles } from '../../generators/compose/files.js';
import { files as devFiles } from '../../generators/dev/files.js';
import { goldenTree } from '../helpers/golden.js';
import { taskboard } from '../helpers/models.js';

describe('golden: compose-taskboard', () => {
  goldenTree('compose-taskboard', Object.fromEntries([...composeFiles(taskboard), ...devFiles(taskboard)].map((f) => [f.path, f.content])));
});
