/**
 * The claim names a `claims` request parameter (OpenID Connect Core 5.5) asks for, in the ID token or from
 * userinfo. The provider has already refused a parameter that is not JSON with those members as objects.
 */
export function claimsNamedIn(claims: unknown): string[] {
  if (typeof claims !== 'string') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(claims);
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null) return [];
  const { id_token: idToken, userinfo } = parsed as { id_token?: unknown; userinfo?: unknown };
  const names = [idToken, userinfo].flatMap((member) =>
    typeof member === 'object' && member !== null && !Array.isArray(member)
      ? Object.keys(member)
      : [],
  );
  return [...new Set(names)];
}
