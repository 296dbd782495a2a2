import { Logger } from '@nestjs/common';
import { FrozenClock, META } from '../../test/support/auth-fixtures';
import { newTestService, provide } from '../../test/support/test-service';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { AuditAction } from './audit-action';
import { AuditDetailsError, AuditService, type AuditEntry } from './audit.service';
import { AuditRepository } from './audit.repository';

const cleared = (details: AuditEntry['details']): AuditEntry => ({
  action: AuditAction.LoginLockoutCleared,
  outcome: 'success',
  actorUserId: 'admin-1',
  resourceType: 'user',
  resourceId: 'u-1',
  details,
  meta: { ...META, clientRequestId: 'client-1' },
});

function auditIn(env: AppConfig['env']) {
  const { service, double } = newTestService(
    AuditService,
    provide(Clock, new FrozenClock()),
    provide(AppConfig, { env } as AppConfig),
  );
  return { service, repository: double(AuditRepository) };
}

describe('AuditService details check', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each(['development', 'test'] as const)(
    'refuses, under AEGIS_ENV=%s, a row whose details break its schema, writing nothing',
    async (env) => {
      const { service, repository } = auditIn(env);
      await expect(
        service.record(cleared({ username: 'alice', had_lockout: true })),
      ).rejects.toThrow(
        new AuditDetailsError(AuditAction.LoginLockoutCleared, [
          'unknown key username',
          'missing target_username',
        ]),
      );
      await expect(
        service.recordIndependently(cleared({ target_username: 'alice', had_lockout: 1 })),
      ).rejects.toThrow('had_lockout must be boolean');
      expect(repository.insert).not.toHaveBeenCalled();
    },
  );

  it('writes the row anyway in production and logs which keys did not fit', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { service, repository } = auditIn('production');
    await service.record(cleared({ username: 'alice', had_lockout: true }));
    expect(repository.insert).toHaveBeenCalledWith(
      expect.objectContaining({
        action: AuditAction.LoginLockoutCleared,
        details: { username: 'alice', had_lockout: true, client_request_id: 'client-1' },
      }),
    );
    expect(warn).toHaveBeenCalledWith(
      'Audit details of LOGIN_LOCKOUT_CLEARED do not fit its schema: unknown key username; missing target_username',
    );
  });

  it('writes details that fit, with the client request id the service adds itself', async () => {
    const { service, repository } = auditIn('test');
    await service.record(cleared({ target_username: 'alice', had_lockout: false }));
    expect(repository.insert).toHaveBeenCalledWith(
      expect.objectContaining({
        details: { target_username: 'alice', had_lockout: false, client_request_id: 'client-1' },
      }),
    );
  });
});
