import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { validateBody } from '../../common/http/validation';
import { LoginDto } from '../dto/login.dto';

/** Validates the login body first (bad input costs no hashing), then runs the local strategy. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await validateBody(LoginDto, context.switchToHttp().getRequest<FastifyRequest>().body);
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<TUser>(error: unknown, login: TUser | false): TUser {
    // Passport hands back whatever the strategy threw: our domain errors, rethrown unchanged.
    if (error) throw error as Error;
    // Unreachable after validateBody (it requires both fields), kept as a hard stop.
    if (!login) throw new Error('Local strategy returned no login');
    return login;
  }
}
