import { escapeHtml, page } from './page-layout';

/** A page that only says something (an error, a finished sign-out), with what to do next. */
export function messagePage(title: string, message: string, hint?: string): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p role="status">${escapeHtml(message)}</p>${hint ? `\n<p>${escapeHtml(hint)}</p>` : ''}`,
  );
}

/** The provider's logout confirmation, around the form it supplies (hidden fields and its action). */
export function logoutPage(providerForm: string, clientName: string | undefined): string {
  const from = clientName ? ` (asked by <span class="app">${escapeHtml(clientName)}</span>)` : '';
  return page(
    'Sign out',
    `<h1>Sign out of Aegis?</h1>
<p>This signs you out of Aegis and of every tool you signed in to with it${from}.</p>
${providerForm}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out everywhere</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>`,
  );
}
