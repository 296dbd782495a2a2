import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Role } from '../../common/access/role';

@Entity({ name: 'users' })
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Canonical form (RFC 8265 UsernameCaseMapped with full case folding; see username.ts): unique. */
  @Column({ type: 'varchar', length: 64 })
  username!: string;

  /**
   * The UTS #39 confusable skeleton of the username, unique: `аlice` (Cyrillic а) cannot join `alice`. Null
   * only for an account created before the rule whose name looks like an older account's (listed by
   * `users:confusables`) or for rows written outside the service.
   */
  @Column({ name: 'username_skeleton', type: 'varchar', length: 512, nullable: true })
  usernameSkeleton!: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 128, nullable: true })
  displayName!: string | null;

  /** Argon2id, encoded. Never leaves the service: responses use UserDto. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Column({ name: 'is_active', type: 'boolean' })
  isActive!: boolean;

  @Column({ name: 'must_change_password', type: 'boolean' })
  mustChangePassword!: boolean;

  @Column({ name: 'password_changed_at', type: Date })
  passwordChangedAt!: Date;

  /** Set when a login completes (every first factor, after any second): null until the first one. */
  @Column({ name: 'last_sign_in_at', type: Date, nullable: true })
  lastSignInAt!: Date | null;

  @Column({ name: 'last_sign_in_ip', type: 'varchar', length: 64, nullable: true })
  lastSignInIp!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
