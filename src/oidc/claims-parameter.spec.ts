import { claimsNamedIn } from './claims-parameter';

describe('claimsNamedIn', () => {
  it('names the claims asked for in the ID token and from userinfo, once each', () => {
    const claims = JSON.stringify({
      id_token: { acr: { essential: true }, preferred_username: null },
      userinfo: { roles: null, preferred_username: { essential: true } },
    });
    expect(claimsNamedIn(claims)).toEqual(['acr', 'preferred_username', 'roles']);
  });

  it('names nothing for a missing, malformed or misshapen parameter', () => {
    for (const claims of [undefined, 7, '{not json', 'null', '[]', '{"id_token":[1]}', '{"x":{}}'])
      expect(claimsNamedIn(claims)).toEqual([]);
  });
});
