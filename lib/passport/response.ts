/**
 * Reaching the response of the request a strategy was handed, whatever the framework: Express
 * (and NestJS on Express) put it on `req.res`, koa-passport's request mock on `req.ctx`, and
 * Fastify's reply is left on the request by the website strategy's `fastifyReplyHook`.
 */

/**
 * Where `fastifyReplyHook` leaves the reply on the request: @fastify/passport hands a strategy the
 * request only, and a Fastify request does not know its reply.
 */
export const REPLY = Symbol.for('passport-login-with-amazon.reply');

/** Adds (`append`) or replaces (`set`) one header of the response. */
export type HeaderWriter = (name: string, value: string) => void;

const isFunction = (value: unknown): value is (...args: unknown[]) => unknown => typeof value === 'function';
const prop = (value: unknown, key: string | symbol): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string | symbol, unknown>)[key] : undefined;

function nodeWriter(res: unknown, mode: 'append' | 'set'): HeaderWriter | undefined {
  const getHeader = prop(res, 'getHeader');
  const setHeader = prop(res, 'setHeader');
  if (!isFunction(getHeader) || !isFunction(setHeader)) return undefined;
  if (mode === 'set') return (name, value) => { setHeader.call(res, name.toLowerCase(), value); };
  return (name, value) => {
    const key = name.toLowerCase();
    const prior = getHeader.call(res, key);
    const lines = Array.isArray(prior) ? prior.map(String) : typeof prior === 'string' ? [prior] : [];
    setHeader.call(res, key, [...lines, value]);
  };
}

/**
 * How to write a header of this request's response, or `undefined` when nothing leads to one.
 * `append` adds a line (`Set-Cookie`); `set` replaces the header (`Retry-After`). Fastify's reply
 * and a plain response get the name in lower case; Express and Koa as given.
 */
export function headerWriterOf(req: unknown, mode: 'append' | 'set'): HeaderWriter | undefined {
  const reply = prop(req, REPLY); // Fastify, through fastifyReplyHook: header() appends Set-Cookie, replaces others
  const header = prop(reply, 'header');
  if (isFunction(header)) return (name, value) => { header.call(reply, name.toLowerCase(), value); };
  const ctx = prop(req, 'ctx'); // koa-passport's request mock
  const ctxWrite = prop(ctx, mode);
  if (isFunction(ctxWrite)) return (name, value) => { ctxWrite.call(ctx, name, value); };
  const res = prop(req, 'res'); // Express, NestJS on Express
  const resWrite = prop(res, mode);
  if (isFunction(resWrite)) return (name, value) => { resWrite.call(res, name, value); };
  return nodeWriter(res, mode);
}
