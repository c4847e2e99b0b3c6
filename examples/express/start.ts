import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeAmazon, type FakeAmazon } from 'passport-login-with-amazon/testing';
import { createApp, DEMO_PROFILE, type AppMode } from './app.js';

/** Client id of the demo's embedded fake Amazon. */
export const DEMO_CLIENT_ID = 'amzn1.application-oa2-client.demo';

/** Where and how to run the example. */
export interface ExampleOptions {
  /** Port on 127.0.0.1; `0` picks a free one. Default `3000`. */
  port?: number;
  /** A real Login with Amazon client id; without one, the example runs on an embedded fake Amazon. */
  clientID?: string | undefined;
}

/** A running example app. */
export interface RunningExample {
  url: string;
  /** The embedded fake Amazon, in demo mode. */
  fake: FakeAmazon | undefined;
  close(): Promise<void>;
}

/** Starts the Express example on 127.0.0.1, on the embedded fake unless a client id is given. */
export async function startExample(options: ExampleOptions = {}): Promise<RunningExample> {
  const { clientID } = options;
  const mode: AppMode = clientID ? { clientID } : { fake: await createFakeAmazon({ clientID: DEMO_CLIENT_ID, consent: 'page', user: DEMO_PROFILE }) };
  const fake = 'fake' in mode ? mode.fake : undefined;
  // Listen first: the code grant's callback URL needs the port (PORT=0 picks a free one).
  const server: Server = createServer().listen(options.port ?? 3000, '127.0.0.1');
  try {
    await once(server, 'listening');
  } catch (error) {
    await fake?.close();
    throw error;
  }
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  server.on('request', createApp(mode, url));
  return {
    url,
    fake,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      await fake?.close();
    },
  };
}
