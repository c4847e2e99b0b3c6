/**
 * examples/nestjs/app.module.ts (also the NestJS block of docs/frameworks.md) under NestJS 12: the
 * file is copied into a folder of test/nest12, so that its `@nestjs/*` imports resolve to this
 * folder's NestJS 12 and not to the root's NestJS 11, then imported.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import type { INestApplication, LoggerService, ModuleMetadata, Type } from '@nestjs/common';
import type { LoginWithAmazonStrategyOptions } from 'passport-login-with-amazon';

const here = dirname(fileURLToPath(import.meta.url));

/** What the example exports (its own types would be NestJS 11's). */
export interface Example {
  AppModule: { register(options: LoginWithAmazonStrategyOptions): Required<ModuleMetadata> & { module: Type } };
  AmazonAuthGuard: Type;
  AmazonStrategy: Type;
  LoginWithAmazonErrorFilter: Type<{ catch(err: unknown, host: unknown): void }>;
  MeController: Type;
  LWA_OPTIONS: symbol;
}

/** Copies the example under test/nest12; answers the copy's path and how to remove it. */
export function copyExample(): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(here, '.example-'));
  copyFileSync(join(here, '../../examples/nestjs/app.module.ts'), join(dir, 'app.module.ts'));
  // For tsx in a child process (TSX_TSCONFIG_PATH): the root's options, legacy decorators included, on the copy.
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: ['*.ts', '../*.ts'], exclude: [] }));
  return { file: join(dir, 'app.module.ts'), remove: () => { rmSync(dir, { recursive: true, force: true }); } };
}

/** Imports the example from a fresh copy under test/nest12; `remove()` deletes the copy. */
export async function importExample(): Promise<{ example: Example; remove: () => void }> {
  const { file, remove } = copyExample();
  return { example: (await import(file)) as Example, remove };
}

/** The HTTP platforms a Nest app runs on. */
export type Platform = 'express' | 'fastify';

/** A Nest app of `metadata` on `platform`, listening on 127.0.0.1 (port 0), its logs kept in `lines`. */
export async function listen(metadata: ModuleMetadata, platform: Platform, lines: string[] = []): Promise<{ app: INestApplication; url: string }> {
  const { Test } = await import('@nestjs/testing');
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app: INestApplication = platform === 'express'
    ? moduleRef.createNestApplication()
    : moduleRef.createNestApplication(new (await import('@nestjs/platform-fastify')).FastifyAdapter());
  app.useLogger(captureLogger(lines));
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/** A Nest logger that keeps every line. */
function captureLogger(lines: string[]): LoggerService {
  const keep = (level: string) => (message: unknown, ...rest: unknown[]): void => {
    lines.push(`${level} ${format(message, ...rest)}`);
  };
  return { log: keep('log'), error: keep('error'), warn: keep('warn'), debug: keep('debug'), verbose: keep('verbose'), fatal: keep('fatal') };
}
