import { createHash } from 'node:crypto';

/** The one stylesheet of the hosted pages, inline but allowed by its hash (no script is ever allowed). */
const STYLE = `
:root{color-scheme:light dark;--fg:#1c2430;--muted:#5b6575;--bg:#f4f6f9;--card:#fff;--line:#d5dae1;--accent:#2456c7;--bad:#a4161a}
@media (prefers-color-scheme:dark){:root{--fg:#e7ebf0;--muted:#a5afbd;--bg:#12161c;--card:#1b2129;--line:#323b47;--accent:#7aa2ff;--bad:#ff8a8f}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:100%;max-width:24rem;margin:1rem;padding:2rem;background:var(--card);border:1px solid var(--line);border-radius:.75rem}
h1{margin:0 0 .25rem;font-size:1.4rem}
p{margin:.5rem 0 1rem;color:var(--muted)}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input{width:100%;padding:.6rem .7rem;font:inherit;color:inherit;background:transparent;border:1px solid var(--line);border-radius:.4rem}
input:focus,button:focus,a:focus{outline:3px solid var(--accent);outline-offset:2px}
button{margin-top:1.5rem;width:100%;padding:.7rem;font:inherit;font-weight:600;color:#fff;background:var(--accent);border:0;border-radius:.4rem;cursor:pointer}
button.secondary{margin-top:.75rem;color:var(--fg);background:transparent;border:1px solid var(--line)}
.error{padding:.6rem .8rem;border-left:4px solid var(--bad);color:var(--fg);background:transparent}
.app{font-weight:600;color:var(--fg)}
.hint{margin:.35rem 0 0;font-size:.9rem}
.notice{padding:.6rem .8rem;border-left:4px solid var(--accent);color:var(--fg)}
.alternatives{margin:1.25rem 0 0;text-align:center}
a{color:var(--accent)}
`;

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** Where the hosted pages' scripts are served (see SignInAssetsController): the only scripts a page may run. */
export const PAGE_SCRIPT_PATH = '/oidc/assets/';
/** The hosted sign-in's own routes (the passkey button's options come from there). */
const INTERACTION_PATH = '/oidc/interaction/';

/**
 * The CSP of the hosted pages: nothing loads or runs but the stylesheet above, and — on a page that offers a
 * passkey — the scripts under PAGE_SCRIPT_PATH of the page's own origin (never inline script, never another
 * path), which may fetch from the interaction routes only. No form-action: browsers apply it to the redirects after a submitted form, which end at the relying
 * party's registered redirect URI.
 */
export function pageCsp(scriptOrigin?: string): string {
  return [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    ...(scriptOrigin
      ? [
          `script-src ${scriptOrigin}${PAGE_SCRIPT_PATH}`,
          `connect-src ${scriptOrigin}${INTERACTION_PATH}`,
        ]
      : []),
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The hosted pages' referrer policy (header and meta). Not `no-referrer`: under it a browser sends
 * `Origin: null` with the page's own form posts (Fetch standard), and on plain HTTP under a host name other than
 * localhost Chromium sends no Sec-Fetch-Site either, so the cross-origin guard could not tell the sign-in form
 * from a forgery. `same-origin` sends the page's origin (and path) to this origin only, nothing to other sites.
 */
export const PAGE_REFERRER_POLICY = 'same-origin';

/** The headers every hosted page is sent with; `scriptOrigin` as for {@link pageCsp}. */
export function pageHeaders(scriptOrigin?: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': pageCsp(scriptOrigin),
    'referrer-policy': PAGE_REFERRER_POLICY,
  };
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * A whole page; `body` is trusted HTML built with {@link escapeHtml}. `scripts` are file names under
 * PAGE_SCRIPT_PATH, loaded in order at the end of the body (the page must then be sent with
 * `pageCsp(origin)`).
 */
export function page(title: string, body: string, scripts: readonly string[] = []): string {
  const tags = scripts.map(
    (name) => `\n<script src="${PAGE_SCRIPT_PATH}${escapeHtml(name)}"></script>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="${PAGE_REFERRER_POLICY}">
<title>${escapeHtml(title)} · Aegis</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>${tags.join('')}
</body>
</html>`;
}
