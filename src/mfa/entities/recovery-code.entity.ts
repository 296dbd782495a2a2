import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One single-use recovery code, as its keyed SHA-256 only (see recovery-codes.ts). */
@Entity({ name: 'mfa_recovery_codes' })
export class RecoveryCode {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash!: string;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'used_at', type: Date, nullable: true })
  usedAt!: Date | null;
}
