/**
 * The upstream trace on its own (lib/diagnostics/upstream-trace.ts): its got hooks driven by hand,
 * so that each field of the context, and each field it must leave out, is seen.
 */
import dc from 'node:diagnostics_channel';
import { afterEach, describe, expect, test } from '@jest/globals';
import type { Response } from 'got';
import { LoginWithAmazonError, UPSTREAM_CHANNEL, type UpstreamContext } from '../../lib/index.js';
import { traceUpstream, type UpstreamTrace } from '../../lib/diagnostics/upstream-trace.js';
import { listening } from '../../lib/diagnostics/channels.js';
import { recordTracing, type Recorded } from '../helpers/channels.js';

let recorded: Recorded<UpstreamContext> | undefined;
afterEach(() => {
  recorded?.stop();
  recorded = undefined;
});

/** A trace of `url` with a recorder on the channel; `answerError` maps a response. */
function traced(url: string, answerError: (response: Response<string>) => LoginWithAmazonError | undefined = () => undefined): { trace: UpstreamTrace; rec: Recorded<UpstreamContext> } {
  recorded = recordTracing<UpstreamContext>(UPSTREAM_CHANNEL);
  const trace = traceUpstream('tokeninfo', url, answerError);
  if (trace === undefined) throw new Error('expected a trace while someone listens');
  return { trace, rec: recorded };
}

/** got's beforeRequest for attempt `retryCount + 1`. */
function send(trace: UpstreamTrace, retryCount = 0): void {
  const [hook] = trace.hooks.beforeRequest ?? [];
  (hook as unknown as (options: unknown, state: { retryCount: number }) => void)({}, { retryCount });
}

/** got's afterResponse for a response of `status` with `headers`. */
function receive(trace: UpstreamTrace, status: number, headers: Record<string, string> = {}): void {
  const [hook] = trace.hooks.afterResponse ?? [];
  (hook as unknown as (response: unknown) => unknown)({ statusCode: status, headers, body: '' });
}

/** Lets a settled promise's handlers run. */
const flush = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve); });

const ends = (rec: Recorded<UpstreamContext>): UpstreamContext[] => rec.events.filter((e) => e.phase === 'asyncEnd').map((e) => e.snapshot);

test('a trace exactly when someone listens (other files of a jest worker may have left a subscriber)', () => {
  const someoneListens = dc.tracingChannel(UPSTREAM_CHANNEL).hasSubscribers;
  expect(traceUpstream('tokeninfo', 'https://api.amazon.com/auth/o2/tokeninfo', () => undefined) !== undefined).toBe(someoneListens);
});

test('no channel (a runtime without tracingChannel) is nobody listening, not a TypeError', () => {
  expect(listening(undefined)).toBe(false);
});

describe('where the attempt goes', () => {
  test.each([
    ['https://api.amazon.com/auth/o2/tokeninfo', 'api.amazon.com', 443],
    ['http://localhost/auth/o2/tokeninfo', 'localhost', 80],
    ['http://127.0.0.1:8080/auth/o2/tokeninfo', '127.0.0.1', 8080],
    ['https://api.amazon.co.jp:8443/auth/o2/tokeninfo?x=1#y', 'api.amazon.co.jp', 8443],
    ['http://[::1]/auth/o2/tokeninfo', '::1', 80],
    ['https://[2001:db8::1]:9443/auth/o2/tokeninfo', '2001:db8::1', 9443],
  ])('%s: server %s, port %d, the URL without query or fragment', (url, address, port) => {
    const { trace, rec } = traced(url);
    send(trace);
    const [start] = rec.events;
    expect(start?.phase).toBe('start');
    expect(start?.snapshot).toEqual({
      endpoint: 'tokeninfo', method: 'GET', url: url.replace(/[?#].*$/, ''), serverAddress: address, serverPort: port, attempt: 1,
    });
  });

  test('the attempt counts retries', () => {
    const { trace, rec } = traced('https://api.amazon.com/auth/o2/tokeninfo');
    send(trace, 2);
    expect(rec.events[0]?.snapshot.attempt).toBe(3);
  });
});

describe('how an attempt ends', () => {
  test('a 200 without a request id: status only, no requestId or error key', () => {
    const { trace, rec } = traced('https://api.amazon.com/auth/o2/tokeninfo');
    send(trace);
    receive(trace, 200);
    const [end] = ends(rec);
    expect(end?.status).toBe(200);
    expect(end !== undefined && 'requestId' in end).toBe(false);
    expect(end !== undefined && 'error' in end).toBe(false);
    expect(rec.events.map((e) => e.phase)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
  });

  test('an answer the client maps to an error: its request id and the error, on the error channel too', () => {
    const error = new LoginWithAmazonError('LWA_UPSTREAM_STATUS', 'tokeninfo answered an unexpected HTTP status', { endpoint: 'tokeninfo' });
    const { trace, rec } = traced('https://api.amazon.com/auth/o2/tokeninfo', () => error);
    send(trace);
    receive(trace, 503, { 'x-amzn-requestid': 'req-7' });
    expect(ends(rec)).toEqual([expect.objectContaining({ status: 503, requestId: 'req-7', error })]);
    expect(rec.events.map((e) => e.phase)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
  });

  test('a call that settles after its answer closed the attempt adds nothing', async () => {
    const { trace, rec } = traced('https://api.amazon.com/auth/o2/tokeninfo');
    send(trace);
    receive(trace, 200);
    trace.settle(Promise.resolve());
    trace.settle(Promise.reject(new LoginWithAmazonError('LWA_NETWORK', 'late')));
    await flush();
    expect(ends(rec)).toHaveLength(1);
  });

  test('a failure without a cause (a body over the cap) closes the open attempt with it, not as cancelled', async () => {
    const { trace, rec } = traced('https://api.amazon.com/auth/o2/tokeninfo');
    send(trace);
    const error = new LoginWithAmazonError('LWA_BAD_RESPONSE', 'tokeninfo response is larger than 1 MiB', { endpoint: 'tokeninfo' });
    trace.settle(Promise.reject(error));
    await flush();
    const [end] = ends(rec);
    expect(end?.error).toBe(error);
    expect(end !== undefined && 'cancelled' in end).toBe(false);
    expect(end !== undefined && 'status' in end).toBe(false);
  });

  test.each([
    ['a call the client gave up (a CancelError cause) is marked cancelled', 'CancelError', 'Promise was canceled', true],
    ['a failure of another cause is not cancelled', 'RequestError', 'socket hang up', false],
  ])('%s', async (_name, causeName, causeMessage, cancelled) => {
    const { trace, rec } = traced('https://api.amazon.com/user/profile');
    send(trace);
    const cause = Object.assign(new Error(causeMessage), { name: causeName });
    trace.settle(Promise.reject(new LoginWithAmazonError('LWA_NETWORK', 'profile request failed', { endpoint: 'profile', cause })));
    await flush();
    const [end, ...more] = ends(rec);
    expect(more).toEqual([]);
    expect(end?.error?.code).toBe('LWA_NETWORK');
    expect(end?.cancelled).toBe(cancelled ? true : undefined);
    expect(end !== undefined && 'cancelled' in end).toBe(cancelled);
  });
});
