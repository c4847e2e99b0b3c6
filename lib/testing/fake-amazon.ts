import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AUTHORIZATION_PATH, ENDPOINT_PATHS, hostEndpoints } from '../amazon/endpoints.js';
import type { AppAuthorization, AppAuthorizeOptions } from './app-sdk.js';
import type { ConsentMode } from './authorize.js';
import { FakeCodeGrant } from './code-grant-server.js';
import { FaultQueue, type FaultOptions } from './faults.js';
import {
  checkOptions,
  MAX_LOGGED_REQUESTS,
  type FakeAmazon,
  type FakeAmazonCalls,
  type FakeRequest,
} from './options.js';
import {
  acceptedToken,
  errorAnswer,
  faulted,
  profileAnswer,
  tokenInfoAnswer,
  tokensInRequest,
  type FakeEndpoint,
  type TokenPlace,
} from './responses.js';
import { HOST_REFUSED, hostAllowed } from './host-check.js';
import { readForm } from './token-grant.js';
import { send, Timers } from './writer.js';
import { controlRouteAnswer } from './token-route.js';
import { describeToken, newAccessToken, type FakeProfile, type IssuedToken, type IssueTokenOptions } from './tokens.js';

const PATHS: Readonly<Record<string, FakeEndpoint>> = {
  [ENDPOINT_PATHS.tokeninfo]: 'tokeninfo', [ENDPOINT_PATHS.profile]: 'profile', [ENDPOINT_PATHS.token]: 'token',
};

/** The running fake: routes each request to its endpoint, counts and logs it, applies faults. */
export class FakeAmazonServer implements FakeAmazon {
  readonly url: string;
  readonly endpoints: { tokenInfoURL: string; profileURL: string };
  readonly clientID: string;
  readonly appID: string;
  readonly clientSecret: string;
  readonly codeGrant: { authorizationURL: string; tokenURL: string; profileURL: string };
  private readonly options: ReturnType<typeof checkOptions>;
  private readonly codeGrantSide: FakeCodeGrant;
  private readonly server: Server;
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly faults = new FaultQueue();
  private readonly timers = new Timers();
  private counts: FakeAmazonCalls = { tokeninfo: 0, profile: 0, token: 0, authorization: 0 };
  private log: FakeRequest[] = [];
  private closing: Promise<void> | undefined;

  constructor(server: Server, options: ReturnType<typeof checkOptions>) {
    this.server = server;
    this.options = options;
    this.clientID = options.clientID;
    this.appID = options.appID;
    this.clientSecret = options.clientSecret;
    this.codeGrantSide = new FakeCodeGrant(options, (profile, scopes) => {
      const issued = describeToken(profile, { scopes }, options, options.now());
      const token = newAccessToken();
      this.tokens.set(token, issued);
      return { token, issued };
    });
    this.url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
    this.endpoints = hostEndpoints(this.url);
    this.codeGrant = { authorizationURL: `${this.url}${AUTHORIZATION_PATH}`, tokenURL: `${this.url}${ENDPOINT_PATHS.token}`, profileURL: this.endpoints.profileURL };
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res);
    });
  }

  get calls(): FakeAmazonCalls {
    return { ...this.counts };
  }

  get requests(): readonly FakeRequest[] {
    return [...this.log];
  }

  issueToken(profile: FakeProfile = {}, options: IssueTokenOptions = {}): string {
    const issued = describeToken(profile, options, this.options, this.options.now());
    const token = newAccessToken();
    this.tokens.set(token, issued);
    return token;
  }

  revoke(token: string): boolean {
    const issued = this.tokens.get(token);
    if (issued !== undefined) issued.revoked = true;
    return issued !== undefined || this.codeGrantSide.revoke(token);
  }

  get consent(): ConsentMode {
    return this.codeGrantSide.consent;
  }

  set consent(mode: ConsentMode) {
    this.codeGrantSide.consent = mode;
  }

  allowRedirectURI(uri: string): void {
    this.codeGrantSide.allowRedirectURI(uri);
  }

  signInAs(profile: FakeProfile): void {
    this.codeGrantSide.signInAs(profile);
  }

  authorizeApp(options: AppAuthorizeOptions): AppAuthorization {
    this.counts.authorization += 1;
    return this.codeGrantSide.authorizeApp(options);
  }

  fault(endpoint: FakeEndpoint, options: FaultOptions): void {
    this.faults.add(endpoint, options);
  }

  reset(): void {
    this.faults.clear();
    this.counts = { tokeninfo: 0, profile: 0, token: 0, authorization: 0 };
    this.log = [];
  }

  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      this.timers.clear();
      this.server.close(() => {
        resolve();
      });
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    // Only requests addressed to the fake: a rebound name (DNS rebinding) gets nothing, and changes nothing.
    if (!hostAllowed(req.headers.host, this.options.allowedHosts)) {
      send(res, 403, HOST_REFUSED, undefined, randomUUID());
      return;
    }
    // A request target Node accepts but URL cannot parse (`GET http://[`) must not crash the fake.
    if (!URL.canParse(String(req.url), this.url)) {
      send(res, 400, { error: 'invalid_request' }, undefined, randomUUID());
      return;
    }
    const url = new URL(String(req.url), this.url);
    const control = this.options.tokenRoute ? controlRouteAnswer(req.method, url, this, req.headers) : undefined;
    if (control) {
      send(res, control.status, control.body, control.headers, randomUUID());
      return;
    }
    if (url.pathname === AUTHORIZATION_PATH) {
      this.counts.authorization += 1;
      this.codeGrantSide.endpoint(req, url, res);
      return;
    }
    const endpoint = Object.hasOwn(PATHS, url.pathname) ? PATHS[url.pathname] : undefined;
    if (endpoint === undefined) {
      send(res, 404, { error: 'NotFound' }, undefined, randomUUID());
      return;
    }
    this.counts[endpoint] += 1;
    const found = tokensInRequest(url, req.headers);
    const logged: FakeRequest = { endpoint, method: String(req.method), tokenIn: Object.keys(found) as TokenPlace[], headers: { ...req.headers }, search: url.search };
    this.log.push(logged);
    if (this.log.length > MAX_LOGGED_REQUESTS) this.log.shift();
    const fault = this.faults.take(endpoint);
    const respond = (form?: URLSearchParams): void => {
      if (form) logged.formFields = [...form.keys()];
      this.timers.later(this.options.latencyMs + (fault?.delayMs ?? 0), () => {
        this.answer(endpoint, req, res, acceptedToken(endpoint, found), fault, form);
      });
    };
    if (endpoint === 'token' && req.method === 'POST') readForm(req, respond);
    else respond();
  }

  /** Answers one endpoint call as Amazon would, unless a fault says otherwise. */
  private answer(endpoint: FakeEndpoint, req: IncomingMessage, res: ServerResponse, token: string | undefined, fault: FaultOptions | undefined, form?: URLSearchParams): void {
    if (fault?.drop === true) {
      req.socket.destroy();
      return;
    }
    const requestId = randomUUID();
    const method = endpoint === 'token' ? 'POST' : 'GET';
    if (req.method !== method) {
      send(res, 405, errorAnswer(endpoint, 405, 'invalid_request', requestId).body, { allow: method }, requestId);
      return;
    }
    const issued = token === undefined ? undefined : this.tokens.get(token);
    const real = endpoint === 'token' ? this.codeGrantSide.tokenAnswer(req, form)
      : (endpoint === 'tokeninfo' ? tokenInfoAnswer : profileAnswer)(token, issued, this.options.now(), requestId);
    const { status, body } = faulted(endpoint, real, fault, requestId);
    const noStore: Record<string, string> = endpoint === 'token' ? { 'cache-control': 'no-store', pragma: 'no-cache' } : {};
    send(res, status, body, { ...noStore, ...fault?.headers }, requestId);
  }
}
