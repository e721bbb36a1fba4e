// Where the harness finds things. Overridable by environment so the harness can be
// pointed at another build of the extension or other example servers without edits.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The extension folder (package.json + dist/): the repo itself unless CRM_EXTENSION_DIR says otherwise. */
export const extensionDir = path.resolve(process.env.CRM_EXTENSION_DIR ?? repoRoot);

/** examples/ (chat servers, load generator): CRM_EXAMPLES_DIR overrides. */
export const examplesDir = path.resolve(process.env.CRM_EXAMPLES_DIR ?? path.join(repoRoot, 'examples'));

/** Screenshots and logs of test runs (git-ignored). */
export const resultsDir = path.join(repoRoot, 'test-results');

/**
 * Throwaway state of runs: code-server profiles, workspaces (git-ignored, wiped per run).
 * Not under .cache: a worktree's .cache may be a link to another checkout's, and two
 * worktrees' runs would then share (and wipe) one code-server profile and workspace.
 */
export const runsDir = path.join(resultsDir, 'runs');
