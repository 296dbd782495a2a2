import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditJobs } from '../audit/audit-jobs.service';
import { LoginLockoutPurgeService } from '../auth/lockout/login-lockout-purge.service';
import { LoginLockoutService } from '../auth/lockout/login-lockout.service';
import { SignInStatePurgeService } from '../auth/login/login-challenge/sign-in-state-purge.service';
import { AuditQueryService } from '../audit/audit-query.service';
import { AuditVerificationService } from '../audit/audit-verification.service';
import { loadConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { MfaFactorsService } from '../mfa/mfa-factors.service';
import { PrincipalCache } from '../sessions/principal-cache/principal-cache';
import { SessionPurgeService } from '../sessions/session-purge.service';
import { AdminBootstrapService } from '../users/admin-bootstrap.service';
import { UserAdministrationService } from '../users/user-administration.service';
import { CliModule } from './cli.module';

describe('CliModule', () => {
  it('provides what the commands use, and no bootstrap admin, background job or timer', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aegis-cli-'));
    const timers = jest.spyOn(global, 'setInterval');
    const config = loadConfig({
      DATA_DIR: dataDir,
      JWT_SECRET: 'kX9f3Qm2Lp8Zr7Tb4Wc6Yd1Nh5Vg0Js-Ae_Uo',
    });
    const app = await NestFactory.createApplicationContext(CliModule.register(config), {
      logger: false,
    });
    try {
      for (const used of [
        UnitOfWork,
        UserAdministrationService,
        AuditVerificationService,
        AuditQueryService,
        MfaFactorsService,
        LoginLockoutService,
      ])
        expect(app.get(used)).toBeInstanceOf(used);
      for (const absent of [
        AdminBootstrapService,
        SessionPurgeService,
        AuditJobs,
        LoginLockoutPurgeService,
        SignInStatePurgeService,
        PrincipalCache,
      ])
        expect(() => app.get(absent)).toThrow();
      expect(timers).not.toHaveBeenCalled();
    } finally {
      await app.close();
      timers.mockRestore();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
