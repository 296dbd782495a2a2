import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthErrorCode } from '../auth/auth.error';
import { rememberProblemCode } from '../common/errors/problem-code';
import { toProblem, type ProblemDetails } from '../common/errors/problem-details';
import { messagePage } from './pages/message.page';
import { pageHeaders } from './pages/page-layout';
import { rateLimitedMessage } from './sign-in-messages';

const START_AGAIN = 'Go back to the application you came from and sign in again.';

/** What a person reads for a refusal: what happened and what to do, never the library's or the code's words. */
function sentences(problem: ProblemDetails, retryAfter?: string): [string, string, string] {
  switch (problem.code as AuthErrorCode) {
    case AuthErrorCode.CrossOriginRejected:
      return [
        'This form was not sent from Aegis',
        'Aegis refused a sign-in form that did not come from its own page (or your browser did not say where it came from).',
        `${START_AGAIN} If it happens again, open Aegis at the address your administrator gave you: the page must be opened at that exact address.`,
      ];
    case AuthErrorCode.AmbiguousCookies:
    case AuthErrorCode.CookieSessionMismatch:
      return [
        'Sign-in could not continue',
        'Your browser sent sign-in cookies that do not belong together.',
        "Clear this site's cookies in your browser, then go back to the application you came from and sign in again.",
      ];
  }
  if (problem.status === 429)
    return [
      'Too many attempts',
      rateLimitedMessage(Number(retryAfter ?? 60)),
      'Your sign-in is kept until then.',
    ];
  if (problem.status >= 500)
    return [
      'Sign-in is unavailable',
      `Aegis could not finish this request (reference ${problem.request_id}).`,
      'Wait a moment and try again. If it keeps happening, tell your administrator the reference.',
    ];
  return ['Sign-in could not continue', 'Aegis refused this request.', START_AGAIN];
}

/**
 * Refusals on the hosted sign-in pages (a guard's CSRF_REJECTED or planted cookie, a rate limit, a failure)
 * reach a person in a browser: they get an Aegis page that says what to do, with the status, Retry-After and
 * request id the API's problem would have had. The JSON API keeps problem+json (ProblemDetailsFilter).
 */
@Catch()
export class HostedPageErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { body, headers } = toProblem(error, request.id);
    rememberProblemCode(request, body.code);
    const [title, message, hint] = sentences(body, headers['retry-after']);
    void reply
      .status(body.status)
      .headers(headers)
      .headers(pageHeaders())
      .send(messagePage(title, message, hint));
  }
}
