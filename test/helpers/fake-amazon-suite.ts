import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import type { TestApp } from './express-app.js';

/** A test file's fake Amazon and the apps it starts: created once, reset before each test, closed at the end. */
export interface FakeAmazonSuite {
  /** The running fake (available from the first test on). */
  readonly amazon: FakeAmazon;
  /** Apps to close after the file; push every app started. */
  readonly apps: TestApp[];
}

export function fakeAmazonSuite(clientID: string): FakeAmazonSuite {
  let amazon: FakeAmazon | undefined;
  const apps: TestApp[] = [];
  beforeAll(async () => {
    amazon = await createFakeAmazon({ clientID });
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await amazon?.close();
  });
  beforeEach(() => {
    amazon?.reset();
  });
  return {
    get amazon(): FakeAmazon {
      if (!amazon) throw new Error('the fake Amazon starts in beforeAll');
      return amazon;
    },
    apps,
  };
}
