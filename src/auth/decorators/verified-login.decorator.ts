import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { VerifiedLogin } from '../credential-verification.service';

/** The login the local strategy verified for this request. */
export const CurrentLogin = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    context.switchToHttp().getRequest<FastifyRequest & { user: VerifiedLogin }>().user,
);
