import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { OidcPayloadRepository } from '../oidc/oidc-payload.repository';
import { SessionRevocationReason } from '../sessions/entities/session.entity';
import { SessionsService } from '../sessions/sessions.service';

/**
 * What the provider keeps beside sign-ins: the `jti`s of client assertions already used. Deleting them would let
 * an assertion be replayed; everything else (sessions, grants, codes, access and refresh tokens, interactions) is a
 * sign-in or issued under one.
 */
const KEPT_PROVIDER_MODELS = ['ReplayDetection'] as const;

export interface SignedOut {
  sessions: number;
  /** Provider grants (one per user and tool): what a tool's sign-in rests on. */
  grants: number;
  /** Every provider artifact deleted, grants included. */
  artifacts: number;
}

/**
 * Ends every Aegis session and every OpenID sign-in of every user, in one transaction. Access tokens already
 * issued stop working at once too: each request re-checks its session, and opaque provider tokens are rows that
 * are gone. Used after a restore, where the restored database may hold sessions that had ended since the backup.
 */
@Injectable()
export class SignOutEveryone {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly sessions: SessionsService,
    private readonly providerArtifacts: OidcPayloadRepository,
  ) {}

  /** `audit` runs in the same transaction, with the counts: the record commits with the sign-out or not at all. */
  run(audit: (signedOut: SignedOut) => Promise<void>): Promise<SignedOut> {
    return this.unitOfWork.run(async () => {
      const sessions = await this.sessions.revokeAll(SessionRevocationReason.EndedByOperator);
      const deleted = await this.providerArtifacts.destroyAllBut(KEPT_PROVIDER_MODELS);
      const signedOut: SignedOut = {
        sessions,
        grants: deleted.Grant ?? 0,
        artifacts: Object.values(deleted).reduce((sum, count) => sum + count, 0),
      };
      await audit(signedOut);
      return signedOut;
    });
  }
}
