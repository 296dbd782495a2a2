// The demo uses the published client exactly as an SPA would (served from /demo/client/ by Aegis), with
// @simplewebauthn/browser for the passkey ceremonies (served from /demo/vendor/).
import { createAegisClient } from './client/aegis-client.js';
import * as webauthn from './vendor/simplewebauthn-browser/index.js';

const $ = (id) => document.getElementById(id);
const status = $('status');
const output = $('output');
const loginForm = $('login');
const changeForm = $('change-password');
const show = (value) => {
  output.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
};
const problemOf = (error) => error.code ?? error.name ?? String(error);

// Set by this tab's own logout: the page then says "signed out" instead of calling the API (which would
// answer 401 and read as an expired session). Another tab's logout still shows as an expired session here.
let signedOutHere = false;

/** The second-factor form: resolves with the user's answer (a code, the passkey, or null to cancel). */
function askSecondFactor({ methods, previousError }) {
  const form = $('second-factor');
  $('mfa-methods').textContent = methods.join(', ');
  $('mfa-error').textContent = previousError ? `Refused: ${previousError}. Try again.` : '';
  $('mfa-passkey').hidden = !methods.includes('webauthn');
  form.hidden = false;
  form.elements.code.value = '';
  return new Promise((resolve) => {
    const done = (answer) => {
      form.removeEventListener('submit', onCode);
      $('mfa-passkey').removeEventListener('click', onPasskey);
      $('mfa-cancel').removeEventListener('click', onCancel);
      form.hidden = true;
      resolve(answer);
    };
    const onCode = (event) => {
      event.preventDefault();
      const code = form.elements.code.value.trim();
      done({ method: /^\d{6}$/.test(code) ? 'totp' : 'recovery_code', code });
    };
    const onPasskey = () => done({ method: 'webauthn' });
    const onCancel = () => done(null);
    form.addEventListener('submit', onCode);
    $('mfa-passkey').addEventListener('click', onPasskey);
    $('mfa-cancel').addEventListener('click', onCancel);
  });
}

const client = createAegisClient({
  baseUrl: '',
  webauthn,
  onMfaRequired: askSecondFactor,
  // A real SPA would redirect to its login page here; the demo says so and counts how often it happened.
  onSessionExpired: () => {
    if (signedOutHere) return;
    status.dataset.expiredCount = String(Number(status.dataset.expiredCount) + 1);
    status.textContent = 'Session expired: please log in again.';
    changeForm.hidden = true;
  },
});

/** After a login or a password change: who is signed in, and the password step when it is still due. */
function signedIn(me, how = '') {
  signedOutHere = false;
  changeForm.hidden = !me.must_change_password;
  status.textContent = me.must_change_password
    ? `Signed in as ${me.username}: choose a new password to continue.`
    : `Signed in as ${me.username}${how}.`;
  show(me);
}

loginForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(loginForm);
  // The password leaves the field as soon as it is sent, whatever the answer.
  loginForm.elements.password.value = '';
  try {
    await client.login(String(form.get('username')), String(form.get('password')));
    loginForm.reset();
    signedIn(await client.me());
  } catch (error) {
    status.textContent = 'Login failed.';
    show(problemOf(error));
  }
});

$('passkey-login').addEventListener('click', async () => {
  try {
    await client.signInWithPasskey();
    signedIn(await client.me(), ' with a passkey');
  } catch (error) {
    status.textContent = 'Passkey sign-in failed.';
    show(problemOf(error));
  }
});

changeForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(changeForm);
  changeForm.reset();
  try {
    await client.changePassword(
      String(form.get('current_password')),
      String(form.get('new_password')),
    );
    signedIn(await client.me());
  } catch (error) {
    show(problemOf(error));
  }
});

$('whoami').addEventListener('click', async () => {
  if (signedOutHere) {
    show('Not signed in: log in first.');
    return;
  }
  try {
    show(await client.me());
  } catch (error) {
    show(problemOf(error));
  }
});

$('parallel').addEventListener('click', async () => {
  const responses = await Promise.all([1, 2, 3, 4, 5].map(() => client.fetch('/auth/me')));
  show(responses.map((response) => response.status).join(','));
});

$('logout').addEventListener('click', async () => {
  signedOutHere = true;
  await client.logout();
  loginForm.reset();
  changeForm.reset();
  changeForm.hidden = true;
  status.textContent = 'Signed out.';
  show('');
});

/** Recovery codes are shown once, when the first factor is enrolled. */
function showRecoveryCodes(codes) {
  $('recovery').hidden = codes.length === 0;
  $('recovery-codes').replaceChildren(
    ...codes.map((code) => Object.assign(document.createElement('li'), { textContent: code })),
  );
}

const label = () => $('factor-label').value.trim() || undefined;

async function listFactors() {
  const { factors, recovery_codes_left } = await client.factors();
  $('factors').replaceChildren(
    ...factors.map((factor) => {
      const item = document.createElement('li');
      item.dataset.kind = factor.kind;
      item.textContent = `${factor.kind}: ${factor.label ?? ''} `;
      const remove = Object.assign(document.createElement('button'), {
        type: 'button',
        textContent: 'Remove',
      });
      remove.addEventListener('click', () =>
        client.removeFactor(factor.id).then(listFactors, (error) => show(problemOf(error))),
      );
      item.append(remove);
      return item;
    }),
  );
  show({ factors, recovery_codes_left });
}

$('list-factors').addEventListener('click', () => listFactors().catch((e) => show(problemOf(e))));

let pendingTotp;
$('enrol-totp').addEventListener('click', async () => {
  try {
    pendingTotp = await client.enrolTotp(label());
    $('totp-secret').textContent = pendingTotp.secret;
    // The SVG is parsed as an image document and adopted: no HTML parsing, no script, nothing inline.
    const svg = new DOMParser().parseFromString(
      pendingTotp.qr_svg,
      'image/svg+xml',
    ).documentElement;
    $('totp-qr').replaceChildren(document.importNode(svg, true));
    $('totp-confirm').hidden = false;
    showRecoveryCodes([]);
    show('Scan the QR code, then confirm with the code the app shows.');
  } catch (error) {
    show(problemOf(error));
  }
});

$('totp-confirm').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const codes = await client.confirmTotp(pendingTotp.id, event.target.elements.code.value.trim());
    $('totp-confirm').hidden = true;
    showRecoveryCodes(codes);
    show('Authenticator app enrolled.');
  } catch (error) {
    show(problemOf(error));
  }
});

$('enrol-passkey').addEventListener('click', async () => {
  try {
    const passkey = await client.enrolPasskey(label());
    showRecoveryCodes(passkey.recovery_codes);
    show(`Passkey enrolled: ${passkey.label}`);
  } catch (error) {
    show(problemOf(error));
  }
});

$('reauthenticate').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await client.reauthenticate({ password: event.target.elements.password.value });
    event.target.reset();
    show('Reauthenticated.');
  } catch (error) {
    show(problemOf(error));
  }
});
