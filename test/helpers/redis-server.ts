/**
 * A throwaway redis-server on a free loopback port, for the suites that exercise a real Redis
 * (test/token/redis.test.ts, test/website/replay-store-redis.test.ts): no persistence, killed by
 * the suite's afterAll.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface RedisServer {
  port: number;
  process: ChildProcess;
  /** `redis-cli` against this server; its output, trimmed. */
  cli: (...args: string[]) => Promise<string>;
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts redis-server and resolves once it answers PING (about 5 s at most), else throws. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const cli = async (...args: string[]): Promise<string> => {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
    return stdout.trim();
  };
  for (let i = 0; i < 100; i += 1) {
    try {
      if ((await cli('PING')) === 'PONG') return { port, process: child, cli };
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start');
}
