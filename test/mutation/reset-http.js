// Setup file for mutation testing only (jest.stryker.config.js), run before each test file.
// Stryker runs jest again and again in one process. Each test file loads its own copy of nock,
// which patches Node's shared http and https modules on import; test/setup.ts undoes that in
// afterAll, but jest skips afterAll in a file none of whose tests run for the current mutant.
// The patches then pile up run after run until a socket error escapes every layer and ends the
// process. Put the originals back before the file's own nock is loaded.
import http from 'node:http';
import https from 'node:https';

const KEY = Symbol.for('passport-login-with-amazon.mutation-setup.originals');
const originals = (http[KEY] ??= {
  http: { request: http.request, get: http.get, ClientRequest: http.ClientRequest },
  https: { request: https.request, get: https.get },
});
Object.assign(http, originals.http);
Object.assign(https, originals.https);
