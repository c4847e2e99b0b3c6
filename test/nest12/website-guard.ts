import { STATUS_CODES, type ServerResponse } from 'node:http';
import { HttpException, Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';

/** What the guard uses of a Fastify reply. */
interface FastifyReplyLike { statusCode: number; header(name: string, value: string): unknown; send(body?: string): unknown }

/**
 * `AuthGuard('amazon')` for the website strategy on Express and on Fastify. It keeps the strategy's
 * status (403 for a callback without its pending sign-in), and on Fastify hands Passport a response
 * whose `statusCode`, `setHeader` and `end` (all Passport's redirect uses) go through the reply.
 */
@Injectable()
export class AmazonWebsiteGuard extends AuthGuard('amazon') {
  /** Not in IAuthGuard's type, but AuthGuard (11 and 12) takes the response it hands Passport from it. */
  getResponse(context: ExecutionContext): unknown {
    const res = context.switchToHttp().getResponse<Partial<ServerResponse> & FastifyReplyLike>();
    if (typeof res.setHeader === 'function') return res; // Express: Node's response
    return {
      set statusCode(code: number) { res.statusCode = code; },
      get statusCode() { return res.statusCode; },
      setHeader: (name: string, value: string) => { res.header(name, value); },
      end: (body?: string) => { res.send(body); },
    };
  }

  override handleRequest<TUser>(err: Error | null, user: TUser | false, _info: unknown, _context: ExecutionContext, status?: number): TUser {
    if (err) throw err;
    if (user) return user;
    const code = status ?? 401;
    throw new HttpException(STATUS_CODES[code] ?? 'Unauthorized', code);
  }
}
