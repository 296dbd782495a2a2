import {
  ACR_MULTI_FACTOR,
  ACR_PASSWORD,
  ACR_VALUES,
  acrOf,
  asksMultiFactor,
  requestedAcrs,
} from './acr';

describe('acr', () => {
  it('advertises the password value first, then the multi-factor one', () => {
    expect(ACR_VALUES).toEqual([ACR_PASSWORD, ACR_MULTI_FACTOR]);
  });

  it('names a sign-in with a second factor multi-factor, and the password alone password', () => {
    expect(acrOf(['pwd'])).toBe(ACR_PASSWORD);
    expect(acrOf(['pwd', 'otp'])).toBe(ACR_MULTI_FACTOR);
    expect(acrOf(['hwk', 'user'])).toBe(ACR_MULTI_FACTOR);
    expect(acrOf(['otp'])).toBe(ACR_PASSWORD);
  });

  it('forces a second factor only when the password value is not acceptable to the client', () => {
    expect(asksMultiFactor([ACR_MULTI_FACTOR])).toBe(true);
    expect(asksMultiFactor([ACR_MULTI_FACTOR, ACR_PASSWORD])).toBe(false);
    expect(asksMultiFactor([ACR_PASSWORD])).toBe(false);
    expect(asksMultiFactor(['urn:other'])).toBe(false);
    expect(asksMultiFactor([])).toBe(false);
    expect(asksMultiFactor(undefined)).toBe(false);
  });

  it('reads acr_values and the claims parameter, and ignores a malformed one', () => {
    expect(requestedAcrs({ acr_values: `${ACR_MULTI_FACTOR} ${ACR_PASSWORD}` })).toEqual([
      ACR_MULTI_FACTOR,
      ACR_PASSWORD,
    ]);
    const claims = (acr: object) => JSON.stringify({ id_token: { acr } });
    expect(requestedAcrs({ claims: claims({ essential: true, value: ACR_MULTI_FACTOR }) })).toEqual(
      [ACR_MULTI_FACTOR],
    );
    expect(requestedAcrs({ claims: claims({ values: [ACR_MULTI_FACTOR, 7] }) })).toEqual([
      ACR_MULTI_FACTOR,
    ]);
    expect(requestedAcrs({ claims: '{not json' })).toEqual([]);
    expect(requestedAcrs({})).toEqual([]);
    for (const other of [
      '{}',
      'null',
      '{"userinfo":{}}',
      claims(null as never),
      '{"id_token":{"acr":"x"}}',
    ])
      expect(requestedAcrs({ claims: other, acr_values: ACR_PASSWORD })).toEqual([ACR_PASSWORD]);
    expect(
      requestedAcrs({ claims: 7, acr_values: `${ACR_MULTI_FACTOR}  ${ACR_PASSWORD} ` }),
    ).toEqual([ACR_MULTI_FACTOR, ACR_PASSWORD]);
  });
});
