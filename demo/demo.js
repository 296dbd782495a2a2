// The demo uses the published client exactly as an SPA would (served from /demo/client/ by Aegis).
import { createAegisClient } from './client/aegis-client.js';

const status = document.getElementById('status');
const output = document.getElementById('output');
const loginForm = document.getElementById('login');
const changeForm = document.getElementById('change-password');
const show = (value) => {
  output.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
};
const problemOf = (error) => error.code ?? String(error);

// Set by this tab's own logout: the page then says "signed out" instead of calling the API (which would
// answer 401 and read as an expired session). Another tab's logout still shows as an expired session here.
let signedOutHere = false;

const client = createAegisClient({
  baseUrl: '',
  // A real SPA would redirect to its login page here; the demo says so and counts how often it happened.
  onSessionExpired: () => {
    if (signedOutHere) return;
    status.dataset.expiredCount = String(Number(status.dataset.expiredCount) + 1);
    status.textContent = 'Session expired: please log in again.';
    changeForm.hidden = true;
  },
});

/** After a login or a password change: who is signed in, and the password step when it is still due. */
function signedIn(me) {
  signedOutHere = false;
  changeForm.hidden = !me.must_change_password;
  status.textContent = me.must_change_password
    ? `Signed in as ${me.username}: choose a new password to continue.`
    : `Signed in as ${me.username}.`;
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

document.getElementById('whoami').addEventListener('click', async () => {
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

document.getElementById('parallel').addEventListener('click', async () => {
  const responses = await Promise.all([1, 2, 3, 4, 5].map(() => client.fetch('/auth/me')));
  show(responses.map((response) => response.status).join(','));
});

document.getElementById('logout').addEventListener('click', async () => {
  signedOutHere = true;
  await client.logout();
  loginForm.reset();
  changeForm.reset();
  changeForm.hidden = true;
  status.textContent = 'Signed out.';
  show('');
});
