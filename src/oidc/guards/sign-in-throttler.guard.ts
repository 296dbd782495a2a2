import { Injectable, type ExecutionContext } from '@nestjs/common';
import type { ThrottlerLimitDetail } from '@nestjs/throttler';
import { AuthError, AuthErrorCode } from '../../auth/auth.error';
import { LoginThrottlerGuard } from '../../auth/guards/login-throttler.guard';
import type { RequestWithSignIn } from '../sign-in-attempt';

/**
 * The per-IP login rate limit of /auth/login (LOGIN_RATE_LIMIT_PER_MINUTE, the same audit and metrics) on the
 * hosted sign-in's POST, on top of the per-account lockout. Over the limit, nothing is checked: the request is
 * marked, and the page answers 429 with Retry-After (HTML, not the JSON problem the API routes answer).
 */
@Injectable()
export class SignInThrottlerGuard extends LoginThrottlerGuard {
  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    try {
      await super.throwThrottlingException(context, detail);
    } catch (error) {
      if (
        !(error instanceof AuthError) ||
        error.code !== (AuthErrorCode.LoginRateLimited as string)
      )
        throw error;
      context.switchToHttp().getRequest<RequestWithSignIn>().signInRateLimited = {
        retryAfterSeconds: detail.timeToBlockExpire,
      };
    }
  }
}
