import { ApiProperty } from '@nestjs/swagger';
import type { PrincipalUser } from '../../common/access/principal';
import { Role } from '../../common/access/role';

/** A user as clients see it: never the password hash. */
export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Alice Example' }) display_name!:
    string | null;
  @ApiProperty({ enum: Role }) role!: Role;
  @ApiProperty() is_active!: boolean;
  @ApiProperty() must_change_password!: boolean;
  @ApiProperty({ format: 'date-time' }) created_at!: string;

  static from(user: PrincipalUser): UserDto {
    return {
      id: user.id,
      username: user.username,
      display_name: user.displayName,
      role: user.role,
      is_active: user.isActive,
      must_change_password: user.mustChangePassword,
      created_at: user.createdAt.toISOString(),
    };
  }
}
