import { Injectable } from '@nestjs/common';
import type { PrincipalUser } from '../common/access/principal';
import { MfaMethod } from '../common/access/mfa-method';
import {
  InteractionFinisher,
  type InteractionDetails,
  type InteractionView,
} from './interaction-finisher.service';
import { codePage } from './pages/code.page';
import { signInPage } from './pages/sign-in.page';

export interface FormOutcome {
  error?: string;
  status?: number;
  retryAfterSeconds?: number;
}

/** The two forms of the hosted sign-in, for one interaction: the password step and the second step. */
@Injectable()
export class SignInForms {
  constructor(private readonly interactions: InteractionFinisher) {}

  async password(
    details: InteractionDetails,
    options: FormOutcome & { username?: string; notice?: string } = {},
  ): Promise<InteractionView> {
    const html = signInPage({
      action: actionOf(details),
      clientName: await this.interactions.clientName(details),
      username: options.username,
      error: options.error,
      notice: options.notice,
    });
    return { status: options.status ?? 200, html, retryAfterSeconds: options.retryAfterSeconds };
  }

  /**
   * The second step: the code form, and for an account with a passkey the button whose script asks
   * passkeyOptionsPath(details) for the options of the login challenge (only once its row is committed, which
   * for the password step's page is after this answer).
   */
  async secondStep(
    details: InteractionDetails,
    user: Pick<PrincipalUser, 'username'>,
    methods: MfaMethod[],
    options: FormOutcome = {},
  ): Promise<InteractionView> {
    const passkey = methods.includes(MfaMethod.WebAuthn);
    const html = codePage({
      action: actionOf(details),
      restart: actionOf(details),
      clientName: await this.interactions.clientName(details),
      username: user.username,
      methods,
      passkeyOptionsPath: passkey ? passkeyOptionsPath(details) : undefined,
      error: options.error,
    });
    return {
      status: options.status ?? 200,
      html,
      retryAfterSeconds: options.retryAfterSeconds,
      ...(passkey && { scripts: true as const }),
    };
  }
}

const actionOf = (details: InteractionDetails) => `/oidc/interaction/${details.uid}`;
/** Where the passkey button's script gets the WebAuthn options of this sign-in's login challenge. */
export const passkeyOptionsPath = (details: InteractionDetails) =>
  `${actionOf(details)}/passkey-options`;
