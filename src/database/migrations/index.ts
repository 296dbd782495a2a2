import { InitialSchema1764201600000 } from './1764201600000-initial-schema';
import { UserDisplayName1764201650000 } from './1764201650000-user-display-name';
import { AuditHashChain1764201700000 } from './1764201700000-audit-hash-chain';
import { LoginLockouts1764201900000 } from './1764201900000-login-lockouts';
import { SessionRetiredTokens1764202000000 } from './1764202000000-session-retired-tokens';
import { LoginLockoutInFlight1764202100000 } from './1764202100000-login-lockout-in-flight';
import { UsernameSkeleton1764202300000 } from './1764202300000-username-skeleton';
import { OidcProvider1764202400000 } from './1764202400000-oidc-provider';
import { MultiFactor1764202500000 } from './1764202500000-multi-factor';
import { WebAuthnCeremonies1764202600000 } from './1764202600000-webauthn-ceremonies';
import { PrincipalChangeNotifications1764202700000 } from './1764202700000-principal-change-notifications';
import { SecondFactorNotifications1764202800000 } from './1764202800000-second-factor-notifications';
import { AuditChainLockAndHead1764202900000 } from './1764202900000-audit-chain-lock-and-head';
import { OidcHashedTokenKeys1764203000000 } from './1764203000000-oidc-hashed-token-keys';
import { SigningKeyPurpose1765100000000 } from './1765100000000-signing-key-purpose';
import { UserLastSignIn1765200000000 } from './1765200000000-user-last-sign-in';
import { AuditUsernames1765200100000 } from './1765200100000-audit-usernames';

/** Every migration, in order. Listed as classes so the same list works from ts-node, Jest and the build. */
export const MIGRATIONS = [
  InitialSchema1764201600000,
  UserDisplayName1764201650000,
  AuditHashChain1764201700000,
  LoginLockouts1764201900000,
  SessionRetiredTokens1764202000000,
  LoginLockoutInFlight1764202100000,
  UsernameSkeleton1764202300000,
  OidcProvider1764202400000,
  MultiFactor1764202500000,
  WebAuthnCeremonies1764202600000,
  PrincipalChangeNotifications1764202700000,
  SecondFactorNotifications1764202800000,
  AuditChainLockAndHead1764202900000,
  OidcHashedTokenKeys1764203000000,
  SigningKeyPurpose1765100000000,
  UserLastSignIn1765200000000,
  AuditUsernames1765200100000,
];
