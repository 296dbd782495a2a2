/**
 * oidc-provider 9 warns on load that it wants Node.js 22 LTS (this project runs on Node 20, see the README's
 * requirements). Jest loads the module afresh for every suite, so that one line, with Jest's code frame under it,
 * came back a few hundred times per CI run and buried what matters. Exactly that warning is dropped in tests;
 * every other console.warn passes through.
 */
const UNSUPPORTED_RUNTIME = 'oidc-provider WARNING: Unsupported runtime.';
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith(UNSUPPORTED_RUNTIME)) return;
  warn(...args);
};
