import { MfaMethod } from '../../common/access/mfa-method';
import { escapeHtml, page } from './page-layout';

export interface CodePageOptions {
  action: string;
  clientName: string;
  username: string;
  /** The methods the account has: the page offers codes for TOTP and recovery codes, a button for passkeys. */
  methods: readonly MfaMethod[];
  /** Where the passkey button's script fetches its WebAuthn options, when the account has a passkey. */
  passkeyOptionsPath?: string;
  /** Where "sign in as someone else" starts over (the password step of the same sign-in). */
  restart: string;
  error?: string;
}

/** The scripts a page with a passkey button loads: the WebAuthn library, then the button's own script. */
export const PASSKEY_PAGE_SCRIPTS = ['simplewebauthn-browser.js', 'passkey-step.js'] as const;

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
 * The passkey button (hidden until the script finds WebAuthn in the browser) and the form its answer is posted
 * with. Without script the page says what the button would need and the code form still works.
 */
function passkeySection(action: string, optionsPath: string): string {
  return `<section id="passkey-step" aria-label="Passkey" data-options-path="${escapeHtml(optionsPath)}" hidden>
<form method="post" action="${escapeHtml(action)}" id="passkey-form">
<input type="hidden" name="passkey" id="passkey-answer">
<button type="button" id="passkey-button">Use a passkey</button>
</form>
<p class="hint" id="passkey-status" role="status"></p>
</section>
<p class="hint" id="passkey-unsupported">Your passkey needs a browser with JavaScript and passkey support.</p>`;
}

function codeForm(options: CodePageOptions, withPasskey: boolean): string {
  const described = options.error ? 'code-error code-hint' : 'code-hint';
  return `<form method="post" action="${escapeHtml(options.action)}">
<label for="code">${withPasskey ? 'Or enter a code' : 'Verification code'}</label>
<input id="code" name="code" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required maxlength="64"${withPasskey ? '' : ' autofocus'} aria-describedby="${described}">
<p class="hint" id="code-hint">${escapeHtml(codeHint(options.methods))}</p>
<button type="submit"${withPasskey ? ' class="secondary"' : ''}>Continue</button>
</form>`;
}

/**
 * The second step: a plain form posting `code` (a TOTP code or a recovery code; the server tells them apart)
 * that needs no script, and for an account with a passkey a button whose script runs the WebAuthn ceremony
 * and posts `passkey` to the same address.
 */
export function codePage(options: CodePageOptions): string {
  const error = options.error
    ? `<p class="error" role="alert" id="code-error">${escapeHtml(options.error)}</p>`
    : '';
  const passkey = options.passkeyOptionsPath !== undefined;
  const codes = options.methods.some(
    (method) => method === MfaMethod.Totp || method === MfaMethod.RecoveryCode,
  );
  const title = passkey ? 'Use your passkey' : 'Enter your code';
  return page(
    title,
    `<h1>${title}</h1>
<p>Signed in with the password of <span class="app">${escapeHtml(options.username)}</span>. One more step to continue to <span class="app">${escapeHtml(options.clientName)}</span>.</p>
${error}
${passkey ? passkeySection(options.action, options.passkeyOptionsPath!) : ''}
${codes ? codeForm(options, passkey) : ''}
<p class="alternatives"><a href="${escapeHtml(options.restart)}">Sign in as someone else</a></p>`,
    passkey ? PASSKEY_PAGE_SCRIPTS : [],
  );
}
