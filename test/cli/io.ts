/**
 * In-process stand-ins for what the command line reads, writes and stops on: collected stdout and
 * stderr, stdin from given chunks, and signals a test emits itself (never a real SIGINT to jest).
 */
import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { CliIo } from '../../lib/cli/main.js';

export interface Captured extends CliIo {
  signals: EventEmitter;
  /** Everything written to stdout / stderr so far. */
  out: () => string;
  err: () => string;
  /** Per write to stdout: how many SIGINT and SIGTERM listeners were installed at that moment. */
  listenersAtWrite: { SIGINT: number; SIGTERM: number }[];
}

/** An io whose stdin yields `stdin`; with `stopOn`, that signal is emitted just after the first write to stdout. */
export function capture(options: { stdin?: (Buffer | string)[]; stopOn?: 'SIGINT' | 'SIGTERM' } = {}): Captured {
  const signals = new EventEmitter();
  let out = '';
  let err = '';
  const listenersAtWrite: Captured['listenersAtWrite'] = [];
  return {
    signals,
    listenersAtWrite,
    out: () => out,
    err: () => err,
    stdin: (async function* chunks() { yield* options.stdin ?? []; })(),
    stdout: {
      write(text: string) {
        out += text;
        listenersAtWrite.push({ SIGINT: signals.listenerCount('SIGINT'), SIGTERM: signals.listenerCount('SIGTERM') });
        const { stopOn } = options;
        if (stopOn !== undefined) setImmediate(() => signals.emit(stopOn));
        return true;
      },
    },
    stderr: { write(text: string) { err += text; return true; } },
  };
}

/** `'settled'` when `promise` settles within `ms`, else `'pending'` (a hang fails fast instead of at jest's timeout). */
export async function within(promise: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  return Promise.race([promise.then(() => 'settled' as const, () => 'settled' as const), delay(ms, undefined, { ref: false }).then(() => 'pending' as const)]);
}

/** A port nobody listens on now (the kernel's pick, closed again). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
