import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { rememberProblemCode } from '../common/errors/problem-code';
import { ProblemDetailsFilter } from '../common/errors/problem-details.filter';
import { toProblem } from '../common/errors/problem-details';
import { oauthTokenErrorOf } from './oauth-token-error';

/** An OAuth2 client's token request: the form with a `grant_type` (RFC 6749 §4.3.2). */
function isOAuthTokenRequest(request: FastifyRequest): boolean {
  const form = (request.headers['content-type'] ?? '')
    .toLowerCase()
    .startsWith('application/x-www-form-urlencoded');
  const body = request.body as Record<string, unknown> | undefined;
  return form && typeof body?.grant_type === 'string';
}

/**
 * On the login route: an OAuth2 token request is refused the OAuth2 way (RFC 6749 §5.2, application/json),
 * so OAuth2 client libraries read the error; the JSON login (and every other refusal) stays problem+json.
 */
@Catch()
export class OAuthTokenErrorFilter implements ExceptionFilter {
  private readonly problems = new ProblemDetailsFilter();

  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    if (!isOAuthTokenRequest(request)) {
      this.problems.catch(error, host);
      return;
    }
    const { body: problem, headers } = toProblem(error, request.id);
    const oauth = oauthTokenErrorOf(problem);
    if (oauth === undefined) {
      this.problems.catch(error, host);
      return;
    }
    rememberProblemCode(request, problem.code);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const retryAfter = headers['retry-after'];
    void reply
      .status(oauth.status)
      .headers(retryAfter !== undefined ? { 'retry-after': retryAfter } : {})
      .type('application/json')
      .send(oauth.body);
  }
}
