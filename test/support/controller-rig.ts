import 'reflect-metadata';
import type { Abstract, Type } from '@nestjs/common';
import { PARAMTYPES_METADATA } from '@nestjs/common/constants';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { exportJWK, generateKeyPair } from 'jose';
import { PassportModule } from '@nestjs/passport';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { configureApp, createFastifyAdapter } from '../../src/app.setup';
import { RefusalAudit } from '../../src/audit/refusal-audit.service';
import { AccessTokenKeys } from '../../src/auth/access-token-keys';
import {
  SigningKeyStore,
  type OpenedSigningKey,
} from '../../src/signing-keys/signing-key-store.service';
import { AccessTokenService } from '../../src/auth/access-token.service';
import { AuthCookies } from '../../src/auth/auth-cookies';
import { GLOBAL_GUARDS } from '../../src/auth/guards/global-guards';
import { RequestAuthenticator } from '../../src/auth/request-authenticator.service';
import { JwtStrategy } from '../../src/auth/strategies/jwt.strategy';
import type { Principal, PrincipalAccount } from '../../src/common/access/principal';
import type { Role } from '../../src/common/access/role';
import { Clock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { LoggingModule } from '../../src/logging/logging.module';
import type { SessionPrincipal } from '../../src/sessions/session-principal.repository';
import { LivePrincipals } from '../../src/sessions/principal-cache/live-principals';
import type { Session } from '../../src/sessions/entities/session.entity';
import { account, session } from './auth-fixtures';
import { automock } from './automock';

const ENV = {
  AEGIS_ENV: 'test',
  JWT_SECRET: 'controller-tier-secret-long-enough-0123456789',
  DOCS_ENABLED: 'false',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
};
const ONE_HOUR_MS = 3_600_000;

export interface ControllerRig {
  http: () => ReturnType<typeof request>;
  /** The double of one of the controller's services (or of a port it depends on, an abstract class). */
  double<T extends object>(type: Type<T> | Abstract<T>): jest.Mocked<T>;
  /** Signs `principal` in: an `Authorization` header whose token resolves to it (and nothing else does). */
  bearer(principal: Principal): { Authorization: string };
  /** Ends the session of `principal`: its tokens no longer resolve. */
  endSession(principal: Principal): void;
  /** Where the guards audit refusals. */
  refusals: jest.Mocked<RefusalAudit>;
  /** The unit of work state-changing handlers run in. */
  unitOfWork: jest.Mocked<UnitOfWork>;
  close(): Promise<void>;
}

/**
 * One controller over HTTP as the application serves it: the Fastify adapter and configureApp() (body
 * parsing, validation pipe, problem filter, security headers), the global guards as GLOBAL_GUARDS declares them,
 * and the real access-token check. Only the controller's services (automocked) and the principal lookup
 * behind the token check (LivePrincipals: which session and user are alive) are doubles; no database.
 */
export async function controllerSetup(controller: Type): Promise<ControllerRig> {
  const config = loadConfig(ENV);
  const services = ((Reflect.getMetadata(PARAMTYPES_METADATA, controller) ?? []) as Type[]).map(
    (type) => ({ provide: type, useValue: automock(type) }),
  );
  const signedIn = new Map<string, Principal>();
  const principals = automock(LivePrincipals);
  principals.find.mockImplementation(async (sessionId, userId) => {
    const principal = signedIn.get(sessionId);
    return principal?.user.id === userId ? (principal as SessionPrincipal) : null;
  });
  const refusals = automock(RefusalAudit);
  // What @Transactional() wraps the handler in: run as given, so a spec can see which routes use it.
  const unitOfWork = automock(UnitOfWork);
  unitOfWork.run.mockImplementation((work) => work());
  const keyStore = await oneAccessTokenKeyStore();
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), LoggingModule, PassportModule, JwtModule.register({})],
    controllers: [controller],
    providers: [
      ...services,
      Clock,
      AccessTokenKeys,
      AccessTokenService,
      AuthCookies,
      JwtStrategy,
      RequestAuthenticator,
      { provide: LivePrincipals, useValue: principals },
      { provide: RefusalAudit, useValue: refusals },
      { provide: UnitOfWork, useValue: unitOfWork },
      { provide: SigningKeyStore, useValue: keyStore },
      // The chain the application registers, in its order.
      ...GLOBAL_GUARDS.map(({ guard }) => ({ provide: APP_GUARD, useClass: guard })),
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter(config),
    { logger: ['error'] },
  );
  await configureApp(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const accessTokens = app.get(AccessTokenService);
  const clock = app.get(Clock);
  return {
    http: () => request(app.getHttpServer()),
    double: <T extends object>(type: Type<T> | Abstract<T>) => {
      const service = services.find((entry) => entry.provide === type);
      if (!service) throw new Error(`${controller.name} does not depend on ${type.name}`);
      return service.useValue as jest.Mocked<T>;
    },
    bearer: (principal) => {
      signedIn.set(principal.session.id, principal);
      const { token } = accessTokens.issue({
        id: principal.session.id,
        userId: principal.user.id,
        absoluteExpiresAt: new Date(clock.now().getTime() + ONE_HOUR_MS),
      } as Session);
      return { Authorization: `Bearer ${token}` };
    },
    endSession: (principal) => void signedIn.delete(principal.session.id),
    refusals,
    unitOfWork,
    close: () => app.close(),
  };
}

/** A key store holding one active ES256 access-token key, as the database would after the first start. */
async function oneAccessTokenKeyStore(): Promise<jest.Mocked<SigningKeyStore>> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const key: OpenedSigningKey = {
    kid: 'controller-rig',
    alg: 'ES256',
    activatesAt: new Date(0),
    retiredAt: null,
    privateJwk: await exportJWK(privateKey),
  };
  const store = automock(SigningKeyStore);
  store.keysOf.mockResolvedValue([key]);
  store.stampOf.mockResolvedValue(key.kid);
  store.keepMs.mockReturnValue(ONE_HOUR_MS);
  return store;
}

/**
 * A principal of `role` whose session used a second factor (so a role that requires one passes); `overrides`
 * change the account (e.g. `mustChangePassword`).
 */
export function principalOf(role: Role, overrides: Partial<PrincipalAccount> = {}): Principal {
  const user = account({ id: `${role}-1`, username: `${role}-one`, role, hasSecondFactor: true });
  return {
    user: Object.assign(user, overrides),
    session: session({ id: `s-${role}`, userId: user.id, amr: ['pwd', 'otp'] }),
  };
}
