/**
 * The "Testing your app" recipe (docs/testing-your-app.md) in a new app: the blocks marked `<!-- scratch-app: … -->`
 * are its install commands (`commands`) and its files (`package.json`, `test/me.test.ts`, …).
 * Used by test/testing/recipe.test.ts (offline) and by warm-recipe-cache.ts (`npm run warm:recipe`,
 * the `pretest` hook), which fills npm's cache with everything the offline install needs.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { doc, markedBlocks } from './readme-blocks.js';

const run = promisify(execFile);

/** The package's name, which the recipe's install commands name; the tests install the packed tarball instead. */
export const PACKAGE_NAME = 'passport-login-with-amazon';

/** One `npm install [-D] names…` line of the README. */
export interface InstallCommand {
  dev: boolean;
  names: string[];
}

/** The recipe: its install commands and the files it asks for, by path. */
export interface Recipe {
  installs: InstallCommand[];
  files: Map<string, string>;
}

/** Reads the recipe from the README; throws on a command line that is not a plain `npm install`. */
export function readRecipe(): Recipe {
  const blocks = markedBlocks('scratch-app', doc('testing-your-app'));
  const commands = blocks.find((block) => block.name === 'commands');
  if (!commands) throw new Error('no <!-- scratch-app: commands --> block');
  const installs = commands.code.trim().split('\n').map((line) => {
    const match = /^npm install( -D)?((?: [@\w./-]+)+)$/.exec(line.trim());
    if (!match?.[2]) throw new Error(`not a plain npm install: ${line}`);
    return { dev: match[1] !== undefined, names: match[2].trim().split(' ') };
  });
  const files = new Map(blocks.filter((block) => block.name !== 'commands').map((block) => [block.name, block.code]));
  return { installs, files };
}

/** This environment without what jest and the repository's own npm run add (NODE_OPTIONS, the repo as npm's prefix). */
export function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'NODE_OPTIONS' || /^npm_(package_|lifecycle_|command$|config_local_prefix$)/i.test(name)) continue;
    env[name] = value;
  }
  return { ...env, npm_config_update_notifier: 'false', ...extra };
}

/** Writes the recipe's files into `app` (a new, empty folder). */
export function writeRecipeFiles(app: string, recipe: Recipe): void {
  for (const [path, code] of recipe.files) {
    mkdirSync(dirname(join(app, path)), { recursive: true });
    writeFileSync(join(app, path), code);
  }
}

/**
 * Runs the recipe's install commands in `app`, with `tarball` in place of the package's name.
 * `offline`: from npm's cache only (`--offline`), as the tests must.
 */
export async function installRecipe(app: string, recipe: Recipe, tarball: string, offline: boolean): Promise<void> {
  for (const { dev, names } of recipe.installs) {
    const args = ['install', ...(offline ? ['--offline'] : []), '--no-audit', '--no-fund', ...(dev ? ['-D'] : []),
      ...names.map((name) => (name === PACKAGE_NAME ? tarball : name))];
    try {
      await run('npm', args, { cwd: app, env: appEnv(), timeout: 90_000, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr);
      if (!offline || !stderr.includes('ENOTCACHED')) throw error;
      throw new Error(`npm's cache lacks part of the recipe: run \`npm run warm:recipe\` once, with the registry reachable\n${stderr}`);
    }
  }
}
