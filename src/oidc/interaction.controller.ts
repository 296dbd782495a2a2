import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/access/public.decorator';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { Transactional } from '../database/transaction-mode.decorator';
import { SignInCredentialsGuard, type RequestWithSignIn } from './guards/sign-in-credentials.guard';
import { PAGE_CSP } from './pages/page-layout';
import { SignInService, type InteractionView } from './sign-in.service';

/**
 * The provider's interaction pages (HTML, not part of the JSON API). Public: the provider's signed interaction
 * cookie says which sign-in request this is. Both routes may finish a sign-in, hence transactional.
 */
@ApiExcludeController()
@Controller('oidc/interaction')
@Public()
export class InteractionController {
  constructor(private readonly signIn: SignInService) {}

  @Get(':uid')
  @Transactional()
  async show(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientMeta() meta: RequestMeta,
  ): Promise<string | undefined> {
    return render(reply, await this.signIn.show(request, reply, meta));
  }

  @Post(':uid')
  @Transactional()
  @UseGuards(SignInCredentialsGuard)
  async submit(
    @Req() request: RequestWithSignIn,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientMeta() meta: RequestMeta,
  ): Promise<string | undefined> {
    const attempt = request.signInAttempt ?? { error: 'missing_fields' as const, username: '' };
    return render(reply, await this.signIn.submit(request, reply, attempt, meta));
  }
}

function render(reply: FastifyReply, view: InteractionView): string | undefined {
  if ('redirect' in view) {
    void reply.code(303).header('location', view.redirect);
    return undefined;
  }
  void reply
    .code(view.status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', PAGE_CSP);
  return view.html;
}
