/** Records what the library publishes on its diagnostics channels, and drives a strategy without a framework. */
import dc from 'node:diagnostics_channel';
import { AUTHENTICATE_CHANNEL, CACHE_CHANNEL, UPSTREAM_CHANNEL, type LoginWithAmazonStrategy } from '../../lib/index.js';

export type Phase = 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error';
const PHASES: Phase[] = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'];

/** Every message of a tracing channel, as [phase, a copy of the context at that moment, the context itself]. */
export interface Recorded<C> {
  events: { phase: Phase; snapshot: C; context: C }[];
  stop(): void;
}

/** Subscribes to every phase of a tracing channel until `stop()`. */
export function recordTracing<C extends object>(name: string): Recorded<C> {
  const channel = dc.tracingChannel<unknown, C>(name);
  const events: Recorded<C>['events'] = [];
  const handlers = Object.fromEntries(PHASES.map((phase) => [phase, (context: C) => {
    events.push({ phase, snapshot: { ...context }, context });
  }])) as unknown as dc.TracingChannelSubscribers<C>;
  channel.subscribe(handlers);
  return { events, stop: () => { channel.unsubscribe(handlers); } };
}

export const recordAuthenticate = <C extends object>(): Recorded<C> => recordTracing<C>(AUTHENTICATE_CHANNEL);
export const recordUpstream = <C extends object>(): Recorded<C> => recordTracing<C>(UPSTREAM_CHANNEL);

/** Every message of the cache channel until `stop()`. */
export function recordCache(): { events: unknown[]; stop(): void } {
  const events: unknown[] = [];
  const onMessage = (message: unknown): void => { events.push(message); };
  dc.subscribe(CACHE_CHANNEL, onMessage);
  return { events, stop: () => { dc.unsubscribe(CACHE_CHANNEL, onMessage); } };
}

/** The Passport action a strategy ended in. */
export type Ended = { kind: 'success'; user: unknown } | { kind: 'fail'; status: number | undefined } | { kind: 'error'; error: Error };

/** Runs `authenticate(req)` the way Passport does (on a copy with the actions attached). */
export function authenticate(strategy: LoginWithAmazonStrategy, req: unknown): Promise<Ended> {
  return new Promise((resolve) => {
    const run = Object.assign(Object.create(strategy) as LoginWithAmazonStrategy, {
      success: (user: unknown) => { resolve({ kind: 'success', user }); },
      fail: (_challenge: unknown, status?: number) => { resolve({ kind: 'fail', status }); },
      error: (error: Error) => { resolve({ kind: 'error', error }); },
    });
    run.authenticate(req);
  });
}

/** A request carrying `token` as a bearer token. */
export const bearer = (token: string): unknown => ({ headers: { authorization: `Bearer ${token}` }, query: {}, body: {} });
