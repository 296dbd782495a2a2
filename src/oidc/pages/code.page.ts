import { MfaMethod } from '../../mfa/second-factor.service';
import { escapeHtml, page } from './page-layout';

export interface CodePageOptions {
  action: string;
  clientName: string;
  username: string;
  /** The methods the account has: the page offers those it can take (codes). */
  methods: readonly MfaMethod[];
  /** Where "sign in as someone else" starts over (the password step of the same sign-in). */
  restart: string;
  error?: string;
}

/** What the code field asks for, from the account's methods. */
function codeHint(methods: readonly MfaMethod[]): string {
  const totp = methods.includes(MfaMethod.Totp);
  const recovery = methods.includes(MfaMethod.RecoveryCode);
  if (totp && recovery)
    return 'The 6-digit code your authenticator app shows now, or one of your recovery codes.';
  if (totp) return 'The 6-digit code your authenticator app shows now.';
  return 'One of your recovery codes.';
}

/**
 * The second step: one plain form posting `code` (a TOTP code or a recovery code; the server tells them apart),
 * no script. The alternatives section is where other methods go: a passkey button (which needs a script, served
 * with its hash in the CSP) belongs there once the hosted page supports passkeys.
 */
export function codePage(options: CodePageOptions): string {
  const error = options.error
    ? `<p class="error" role="alert" id="code-error">${escapeHtml(options.error)}</p>`
    : '';
  const described = options.error ? 'code-error code-hint' : 'code-hint';
  return page(
    'Enter your code',
    `<h1>Enter your code</h1>
<p>Signed in with the password of <span class="app">${escapeHtml(options.username)}</span>. One more step to continue to <span class="app">${escapeHtml(options.clientName)}</span>.</p>
${error}
<form method="post" action="${escapeHtml(options.action)}">
<label for="code">Verification code</label>
<input id="code" name="code" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required maxlength="64" autofocus aria-describedby="${described}">
<p class="hint" id="code-hint">${escapeHtml(codeHint(options.methods))}</p>
<button type="submit">Continue</button>
</form>
<p class="alternatives"><a href="${escapeHtml(options.restart)}">Sign in as someone else</a></p>`,
  );
}
