import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from './column-types';

/**
 * The signing-key store now holds Aegis's own access-token keys beside the OpenID provider's: `purpose` keeps
 * them apart (a key of one purpose never verifies a token of the other), and `activates_at` lets a new key be
 * published everywhere before anyone signs with it. Keys stored before are the provider's and already in use.
 */
export class SigningKeyPurpose1765100000000 implements MigrationInterface {
  name = 'SigningKeyPurpose1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'oidc_signing_keys',
      new TableColumn({
        name: 'purpose',
        type: 'varchar',
        length: '16',
        isNullable: false,
        default: "'oidc'",
      }),
    );
    await queryRunner.addColumn(
      'oidc_signing_keys',
      new TableColumn({ name: 'activates_at', type: timestampType(queryRunner), isNullable: true }),
    );
    await queryRunner.query('UPDATE oidc_signing_keys SET activates_at = created_at');
  }

  /** Access-token keys have no place in the old schema: their tokens stop verifying. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM oidc_signing_keys WHERE purpose <> 'oidc'");
    await queryRunner.dropColumn('oidc_signing_keys', 'activates_at');
    await queryRunner.dropColumn('oidc_signing_keys', 'purpose');
  }
}
