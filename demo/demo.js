// The demo uses the published client exactly as an SPA would (served from /demo/client/ by Aegis).
import { createAegisClient } from './client/aegis-client.js';

const status = document.getElementById('status');
const output = document.getElementById('output');
const show = (value) => {
  output.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
};

const client = createAegisClient({
  baseUrl: '',
  // A real SPA would redirect to its login page here; the demo says so and counts how often it happened.
  onSessionExpired: () => {
    status.dataset.expiredCount = String(Number(status.dataset.expiredCount) + 1);
    status.textContent = 'Session expired: please log in again.';
  },
});

document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    await client.login(String(form.get('username')), String(form.get('password')));
    const me = await client.me();
    status.textContent = `Signed in as ${me.username}.`;
    show(me);
  } catch (error) {
    status.textContent = 'Login failed.';
    show(error.code ?? String(error));
  }
});

document.getElementById('whoami').addEventListener('click', async () => {
  try {
    show(await client.me());
  } catch (error) {
    show(error.code ?? String(error));
  }
});

document.getElementById('parallel').addEventListener('click', async () => {
  const responses = await Promise.all([1, 2, 3, 4, 5].map(() => client.fetch('/auth/me')));
  show(responses.map((response) => response.status).join(','));
});

document.getElementById('logout').addEventListener('click', async () => {
  await client.logout();
  status.textContent = 'Signed out.';
  show('');
});
