import type { InteractionView } from './interaction-finisher.service';
import { messagePage } from './pages/message.page';

/** The fixed pages of the hosted sign-in that end it: each says what happened and what to do. */
export function expiredPage(): InteractionView {
  return {
    status: 400,
    html: messagePage(
      'This sign-in link has expired',
      'The sign-in request is unknown or took too long.',
      'Go back to the application you came from and sign in again.',
    ),
  };
}

/** A second factor is needed (the client or the role policy asks for one) and the account has none. */
export function setUpFactorPage(): InteractionView {
  return {
    status: 403,
    html: messagePage(
      'Set up a second factor first',
      'This tool needs a second factor (an authenticator app), and your account has none yet.',
      'Sign in to Aegis itself, add an authenticator app in your account settings, then come back to this tool.',
    ),
  };
}
