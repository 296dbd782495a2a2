/** What a user may do beyond their own account. Stored in `users.role`; read from the database on every request. */
export enum Role {
  Admin = 'admin',
  User = 'user',
}
