/** What the login was asked for: `browser` gets cookies, `api` also gets the refresh token in the body. */
export type LoginClient = 'browser' | 'api';
