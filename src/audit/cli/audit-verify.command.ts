import type { CliCommand } from '../../cli/cli-command';
import { AuditVerificationService } from '../audit-verification.service';
import { AuditVerificationDto } from '../dto/audit-verification.dto';

/** `npm run cli -- audit:verify`: the same report as GET /audit/verify; exit code 1 when the chain is broken. */
export const auditVerifyCommand: CliCommand = {
  name: 'audit:verify',
  summary: 'Walk the audit hash chain and signed checkpoints; print the report (exit 1 if broken)',
  options: {},
  async run(app, _values, output) {
    const report = await app.get(AuditVerificationService).verify();
    output.out(JSON.stringify(AuditVerificationDto.from(report), null, 2));
    return report.ok ? 0 : 1;
  },
};
