import { QueryFailedError } from 'typeorm';
import type { Clock } from '../common/clock';
import type { PasswordHasher } from '../common/crypto/password-hasher';
import { ValidationError } from '../common/errors/domain-error';
import { type User } from './entities/user.entity';
import { Role } from '../common/access/role';
import { UserError, UserErrorCode } from './user.error';
import type { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

const NOW = new Date('2026-01-01T00:00:00Z');

describe('UsersService.create', () => {
  let users: {
    findByUsername: jest.Mock<Promise<User | null>, [string]>;
    findBySkeleton: jest.Mock<Promise<User | null>, [string]>;
    insert: jest.Mock<Promise<void>, [User]>;
  };
  let service: UsersService;
  const input = {
    username: 'ＡＬＩＣＥ',
    password: 'a long enough passphrase',
    role: Role.User,
    mustChangePassword: true,
  };

  beforeEach(() => {
    users = {
      findByUsername: jest.fn().mockResolvedValue(null),
      findBySkeleton: jest.fn().mockResolvedValue(null),
      insert: jest.fn().mockResolvedValue(undefined),
    };
    const repository: Pick<UsersRepository, keyof typeof users> = users;
    const hasher: Pick<PasswordHasher, 'hash'> = {
      hash: (password) => Promise.resolve(`h(${password})`),
    };
    const clock: Clock = { now: () => NOW };
    service = new UsersService(repository as UsersRepository, hasher as PasswordHasher, clock);
  });

  it('stores the canonical form of the name, with the hash of the password', async () => {
    const user = await service.create(input);
    expect(users.findByUsername).toHaveBeenCalledWith('alice');
    expect(users.insert).toHaveBeenCalledWith(user);
    expect(user).toMatchObject({
      username: 'alice',
      passwordHash: 'h(a long enough passphrase)',
      mustChangePassword: true,
      createdAt: NOW,
    });
  });

  it('refuses a name that cannot be valid with a 400 naming the username field', async () => {
    const refused = service.create({ ...input, username: 'ab' });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({
      options: { errors: [{ field: 'username', messages: ['must be 3 to 64 characters'] }] },
    });
    expect(users.insert).not.toHaveBeenCalled();
  });

  it('refuses a name already taken', async () => {
    users.findByUsername.mockResolvedValue({ id: 'someone' } as User);
    await expect(service.create(input)).rejects.toEqual(new UserError(UserErrorCode.UsernameTaken));
    expect(users.insert).not.toHaveBeenCalled();
  });

  it('turns the unique index refusing a concurrent create into USERNAME_TAKEN', async () => {
    const driverError = Object.assign(new Error('duplicate key value'), { code: '23505' });
    users.insert.mockRejectedValue(new QueryFailedError('INSERT', [], driverError));
    await expect(service.create(input)).rejects.toMatchObject({
      code: UserErrorCode.UsernameTaken,
    });
  });

  it('lets any other failure of the insert through as it is', async () => {
    const driverError = Object.assign(new Error('unique-looking text'), { code: 'SQLITE_BUSY' });
    const failure = new QueryFailedError('INSERT', [], driverError);
    users.insert.mockRejectedValue(failure);
    await expect(service.create(input)).rejects.toBe(failure);
  });
});

describe('UsersService.canonicalUsername', () => {
  const service = new UsersService({} as UsersRepository, {} as PasswordHasher, {} as Clock);

  it('is NFKC then lower case', () => {
    expect(service.canonicalUsername('Ｒｏｏｔ-Admin')).toBe('root-admin');
  });
});
