import { escapeHtml, page } from './page-layout';

export interface SignInPageOptions {
  action: string;
  clientName: string;
  username?: string;
  error?: string;
  /** Why the form is shown although the browser has a session (the client asked for more than it used). */
  notice?: string;
}

/** The password step: a plain form that works without JavaScript; the error, if any, comes first and says what to do. */
export function signInPage(options: SignInPageOptions): string {
  const error = options.error
    ? `<p class="error" role="alert" id="sign-in-error">${escapeHtml(options.error)}</p>`
    : '';
  const notice = options.notice
    ? `<p class="notice" role="status">${escapeHtml(options.notice)}</p>`
    : '';
  const described = options.error ? ' aria-describedby="sign-in-error"' : '';
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p>to continue to <span class="app">${escapeHtml(options.clientName)}</span></p>
${notice}${error}
<form method="post" action="${escapeHtml(options.action)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="256" value="${escapeHtml(options.username ?? '')}"${options.username ? '' : ' autofocus'}${described}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${options.username ? ' autofocus' : ''}${described}>
<button type="submit">Sign in</button>
</form>`,
  );
}
