import { STATUS_CODES } from 'node:http';
import {
  Catch,
  Controller,
  Get,
  HttpException,
  Inject,
  Injectable,
  Logger,
  Module,
  Req,
  UseGuards,
  type ArgumentsHost,
  type DynamicModule,
  type ExceptionFilter,
  type ExecutionContext,
} from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import {
  LoginWithAmazonError,
  LoginWithAmazonStrategy,
  type AmazonProfile,
  type LoginWithAmazonStrategyOptions,
} from 'passport-login-with-amazon';

/** The signed-in user: the normalized profile without Amazon's raw body. */
export type User = Omit<AmazonProfile, '_raw' | '_json'>;

/** Injection token of the strategy's options (explicit, so no decorator metadata is needed). */
export const LWA_OPTIONS = Symbol('LWA_OPTIONS');

/** The strategy as a Nest provider; `validate` is the verify callback. */
@Injectable()
export class AmazonStrategy extends PassportStrategy(LoginWithAmazonStrategy, 'amazon-token') {
  constructor(@Inject(LWA_OPTIONS) options: LoginWithAmazonStrategyOptions) {
    super(options);
  }

  validate(_accessToken: string, _refreshToken: string | undefined, profile: AmazonProfile): User {
    // A real app would find or create its user here (validate may also be async).
    const { _raw, _json, ...user } = profile;
    return user;
  }
}

/**
 * `AuthGuard` alone answers every failure with a bare 401. This one keeps the strategy's answer:
 * its status (400, 401, 403) and, with 401, its `WWW-Authenticate` challenge. Through Nest's
 * HTTP adapter, so it works on Express and on Fastify alike.
 */
@Injectable()
export class AmazonAuthGuard extends AuthGuard('amazon-token') {
  @Inject(HttpAdapterHost) private readonly adapterHost!: HttpAdapterHost;

  override handleRequest<TUser = User>(
    err: Error | null,
    user: TUser | false,
    challenge: unknown,
    context: ExecutionContext,
    status?: number,
  ): TUser {
    if (err) throw err;
    if (user) return user;
    const code = status ?? 401;
    if (code === 401 && typeof challenge === 'string') {
      this.adapterHost.httpAdapter.setHeader(context.switchToHttp().getResponse(), 'WWW-Authenticate', challenge);
    }
    throw new HttpException(STATUS_CODES[code] ?? 'Unauthorized', code);
  }
}

/**
 * Amazon down or slow: the strategy's error carries `status` 502 or 504, which Nest's default
 * filter would turn into a 500. Answer that status with the error's fixed code and message.
 */
@Catch(LoginWithAmazonError)
export class LoginWithAmazonErrorFilter implements ExceptionFilter<LoginWithAmazonError> {
  private readonly logger = new Logger('LoginWithAmazon');

  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(err: LoginWithAmazonError, host: ArgumentsHost): void {
    this.logger.error(`${err.code}: ${err.message}`);
    const body = { statusCode: err.status, error: err.code, message: err.message };
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, err.status);
  }
}

@Controller('api')
export class MeController {
  @Get('me')
  @UseGuards(AmazonAuthGuard)
  me(@Req() req: { user: User }): User {
    // The guard put the user there (Express's and Fastify's request alike).
    return req.user;
  }
}

/** `GET /api/me` behind Login with Amazon: `AppModule.register({ clientID })`. */
@Module({})
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module class
export class AppModule {
  static register(options: LoginWithAmazonStrategyOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [PassportModule],
      controllers: [MeController],
      providers: [
        { provide: LWA_OPTIONS, useValue: options },
        AmazonStrategy,
        { provide: APP_FILTER, useClass: LoginWithAmazonErrorFilter },
      ],
    };
  }
}
