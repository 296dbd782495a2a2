import {
  CliCommand,
  type CliCommandRunner,
  type CliOutput,
  type CliValues,
} from '../../common/cli/cli-command';
import { AuditVerificationService } from '../audit-verification.service';
import { AuditVerificationDto } from '../dto/audit-verification.dto';

/** Exit codes: what a script running the command can tell apart. */
const EXIT_BROKEN = 1;
const EXIT_CHECKPOINTS_UNVERIFIED = 3;

/**
 * What became of the signed checkpoints: `verified` (every one checked with AUDIT_HMAC_KEY), `none` (there are
 * none), `unverified` (some could not be checked), `not_checked` (no key, and the operator accepted a check of the
 * hash chain alone).
 */
export interface CheckpointCoverage {
  present: number;
  verified: number;
  unverified: number;
  status: 'verified' | 'none' | 'unverified' | 'not_checked';
}

/**
 * `npm run cli -- audit:verify`: the report of GET /audit/verify, plus what it could not check. Without
 * AUDIT_HMAC_KEY the signed checkpoints cannot be verified, and a chain rewritten with recomputed hashes passes
 * the hash check: reporting it as intact would overstate what was proven, so the command fails unless the
 * operator accepts the weaker check with --without-checkpoints.
 */
@CliCommand({
  name: 'audit:verify',
  summary:
    'Walk the audit hash chain and signed checkpoints; print the report (exit 1 if broken, 3 if checkpoints could not be verified)',
  options: {
    'without-checkpoints': {
      type: 'boolean',
      description:
        'Without AUDIT_HMAC_KEY: accept a check of the hash chain alone (checkpoints reported as not checked)',
    },
  },
})
export class AuditVerifyCommand implements CliCommandRunner {
  constructor(private readonly verification: AuditVerificationService) {}

  async run(values: CliValues, output: CliOutput): Promise<number> {
    const waived = values['without-checkpoints'] === true;
    const present = await this.verification.checkpointsPresent();
    const report = await this.verification.verify();
    const coverage = this.coverage(present, report.checkpointsChecked, waived);
    const unproven = coverage.status === 'unverified';
    output.out(
      JSON.stringify(
        {
          ...AuditVerificationDto.from(report),
          ok: report.ok && !unproven,
          checkpoints: coverage,
        },
        null,
        2,
      ),
    );
    if (!report.ok) return EXIT_BROKEN;
    this.explain(coverage, output);
    return unproven ? EXIT_CHECKPOINTS_UNVERIFIED : 0;
  }

  private coverage(present: number, verified: number, waived: boolean): CheckpointCoverage {
    // The service may sign a checkpoint between the count and the walk: never report a negative remainder.
    const total = Math.max(present, verified);
    const unverified = total - verified;
    let status: CheckpointCoverage['status'] = 'verified';
    if (total === 0) status = 'none';
    else if (unverified > 0)
      status = waived && !this.verification.checksCheckpoints ? 'not_checked' : 'unverified';
    return { present: total, verified, unverified, status };
  }

  private explain(coverage: CheckpointCoverage, output: CliOutput): void {
    if (this.verification.checksCheckpoints) return;
    if (coverage.status === 'unverified') {
      output.err(
        `${coverage.present} signed checkpoint(s) NOT verified: AUDIT_HMAC_KEY is not set, so a chain rewritten with ` +
          'recomputed hashes would pass. Set the key, or pass --without-checkpoints to accept the hash chain alone.',
      );
    } else if (coverage.status === 'not_checked') {
      output.err(
        `Hash chain intact; ${coverage.present} signed checkpoint(s) not checked (--without-checkpoints, no AUDIT_HMAC_KEY).`,
      );
    } else {
      output.err(
        'Hash chain intact; no signed checkpoints to verify (AUDIT_HMAC_KEY is not set here).',
      );
    }
  }
}
