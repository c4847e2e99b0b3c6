import { afterAll, afterEach, beforeAll, expect } from '@jest/globals';
import nock from 'nock';

// No test touches the real network: only loopback is reachable.
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

// Jest runs several test files in one worker, each with its own copy of nock, and every copy
// patches Node's shared http module. Unpatch at the end of a file so that the next file's copy
// is the only interceptor (otherwise a stale one answers "net connect not allowed").
afterAll(() => {
  nock.restore();
});
