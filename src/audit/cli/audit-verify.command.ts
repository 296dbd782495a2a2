import { CliCommand, type CliCommandRunner, type CliOutput } from '../../common/cli/cli-command';
import { AuditVerificationService } from '../audit-verification.service';
import { AuditVerificationDto } from '../dto/audit-verification.dto';

/** `npm run cli -- audit:verify`: the same report as GET /audit/verify; exit code 1 when the chain is broken. */
@CliCommand({
  name: 'audit:verify',
  summary: 'Walk the audit hash chain and signed checkpoints; print the report (exit 1 if broken)',
  options: {},
})
export class AuditVerifyCommand implements CliCommandRunner {
  constructor(private readonly verification: AuditVerificationService) {}

  async run(_values: unknown, output: CliOutput): Promise<number> {
    const report = await this.verification.verify();
    output.out(JSON.stringify(AuditVerificationDto.from(report), null, 2));
    return report.ok ? 0 : 1;
  }
}
