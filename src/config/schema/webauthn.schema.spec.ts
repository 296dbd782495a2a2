import { ConfigError, loadConfig } from '../app-config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('passkey (WebAuthn) configuration', () => {
  it('takes the RP ID from PUBLIC_URL, and none at all without it (the request then decides)', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://auth.example.com' }).webauthn).toEqual({
      rpId: 'auth.example.com',
      extraOrigins: [],
    });
    expect(loadConfig({}).webauthn).toEqual({ rpId: undefined, extraOrigins: [] });
  });

  it('accepts a parent domain as RP ID and sibling origins under it', () => {
    const config = loadConfig({
      PUBLIC_URL: 'https://auth.example.com',
      WEBAUTHN_RP_ID: 'example.com',
      WEBAUTHN_ORIGINS: 'https://app.example.com',
    });
    expect(config.webauthn).toEqual({
      rpId: 'example.com',
      extraOrigins: ['https://app.example.com'],
    });
  });

  it('refuses an RP ID that is not a domain or does not cover PUBLIC_URL and every origin', () => {
    expect(problemsOf({ WEBAUTHN_RP_ID: 'https://example.com' })).toEqual([
      'WEBAUTHN_RP_ID must be a domain name like example.com (got "https://example.com")',
    ]);
    expect(
      problemsOf({ PUBLIC_URL: 'https://auth.example.com', WEBAUTHN_RP_ID: 'other.example' }),
    ).toEqual([
      'WEBAUTHN_RP_ID must be the host of https://auth.example.com or a parent domain of it',
    ]);
    expect(
      problemsOf({
        PUBLIC_URL: 'https://auth.example.com',
        WEBAUTHN_RP_ID: 'example.com',
        WEBAUTHN_ORIGINS: 'https://app.evilexample.com',
      }),
    ).toEqual([
      'WEBAUTHN_RP_ID must be the host of https://app.evilexample.com or a parent domain of it',
    ]);
    expect(problemsOf({ WEBAUTHN_ORIGINS: 'app.example.com' })).toContainEqual(
      'WEBAUTHN_ORIGINS entry "app.example.com" is not an origin like https://app.example.com',
    );
  });
});
