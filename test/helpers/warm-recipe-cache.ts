/**
 * Fills npm's cache with everything the README's "Testing your app" recipe installs, so that
 * test/testing/recipe.test.ts can install it with `--offline`: installs the recipe once, online,
 * into a throw-away app. `npm run warm:recipe`; .ci/run runs it right after `npm ci`, while the
 * registry is reachable. `--if-needed` (the `pretest` hook) does nothing when this recipe has
 * already been installed since the last `npm ci`, so a fresh clone's `npm ci && npm test` works
 * and a warm one (CI's test phase included) touches no network.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packTarball } from './pack.js';
import { installRecipe, readRecipe, writeRecipeFiles } from './scratch-app.js';

const recipe = readRecipe();
const stamp = new URL('../../node_modules/.cache/passport-login-with-amazon/recipe-warm', import.meta.url).pathname;
const fingerprint = createHash('sha256').update(JSON.stringify([recipe.installs, recipe.files.get('package.json')])).digest('hex');

if (process.argv.includes('--if-needed') && existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint) process.exit(0);

const scratch = mkdtempSync(join(tmpdir(), 'lwa-recipe-warm-'));
try {
  const app = join(scratch, 'app');
  mkdirSync(app);
  writeRecipeFiles(app, recipe);
  await installRecipe(app, recipe, packTarball(scratch), false);
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, fingerprint);
  console.log(`npm cache holds the "Testing your app" recipe: ${recipe.installs.map(({ names }) => names.join(' ')).join('; ')}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
