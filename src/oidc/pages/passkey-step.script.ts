/**
 * The one script of the hosted pages, served as /oidc/assets/passkey-step.js after @simplewebauthn/browser's
 * bundle (which defines `SimpleWebAuthnBrowser`). It reveals the passkey button only where the browser can
 * use one; a click fetches the options of this sign-in's login challenge, runs the ceremony, and posts the
 * answer with a plain form: the server answers that POST like the code form's (a redirect onward, or the page
 * again with what went wrong). Kept to what every browser with WebAuthn runs, without a build step.
 */
export const PASSKEY_STEP_SCRIPT = `'use strict';
(function () {
  var section = document.getElementById('passkey-step');
  var webauthn = window.SimpleWebAuthnBrowser;
  if (!section || !webauthn || !webauthn.browserSupportsWebAuthn()) return;
  var button = document.getElementById('passkey-button');
  var answer = document.getElementById('passkey-answer');
  var form = document.getElementById('passkey-form');
  var status = document.getElementById('passkey-status');
  var unsupported = document.getElementById('passkey-unsupported');
  section.hidden = false;
  if (unsupported) unsupported.hidden = true;
  button.focus();

  function refused(response) {
    if (response.status === 429) return 'Too many attempts from your network. Wait a minute, then try again.';
    if (response.status === 401) return 'This sign-in took too long. Choose "Sign in as someone else" to start again.';
    return 'Your passkey could not be asked for. Try again, or use a code.';
  }

  button.addEventListener('click', function () {
    button.disabled = true;
    status.textContent = 'Follow your browser\\'s prompt to use your passkey.';
    fetch(section.getAttribute('data-options-path'), { method: 'POST', credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error(refused(response));
        return response.json();
      })
      .then(function (options) {
        return webauthn.startAuthentication({ optionsJSON: options }).catch(function (error) {
          throw new Error(
            error && error.name === 'NotAllowedError'
              ? 'The passkey prompt was closed or timed out. Try again, or use a code.'
              : 'This browser could not use your passkey. Try again, or use a code.',
          );
        });
      })
      .then(
        function (response) {
          answer.value = JSON.stringify(response);
          status.textContent = 'Checking your passkey…';
          form.submit();
        },
        function (error) {
          button.disabled = false;
          status.textContent = error.message;
        },
      );
  });
})();
`;
