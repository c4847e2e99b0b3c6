import http from 'node:http';
import got from 'got';
class StuckAgent extends http.Agent { queued = []; addRequest(req) { this.queued.push(req); } }
const srv = http.createServer((_q, s) => s.end('hi')); await new Promise(r => srv.listen(0, '127.0.0.1', r));
const agent = new StuckAgent();
const url = `http://127.0.0.1:${srv.address().port}/`;
const r1 = http.get(url, { agent }); r1.on('error', e => console.log('r1 err', e.message));
const out = await got(url, { agent: { http: agent }, timeout: { request: 200 } }).text().catch(e => e.message);
console.log(out, agent.queued.length);
srv.close(); process.exit(0);
