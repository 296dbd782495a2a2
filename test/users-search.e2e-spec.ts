import { createAdmin, type AdminFixture } from './factories/admin.factory';
import { createTestApp, type TestApp } from './support/test-app';
import { asBearer } from './support/users-admin-rig';

describe('searching users (GET /users?q=)', () => {
  let t: TestApp;
  let admin: AdminFixture;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    for (const [username, display_name] of [
      ['alice', 'Alice Liddell'],
      ['alina', null],
      ['malik', 'Malik Alimov'],
      ['bob', 'Robert Tables (50% off)'],
      ['carol', 'Carol Example'],
    ]) {
      const created = await as(admin.bearer).post('/users', {
        username,
        role: 'user',
        display_name,
      });
      expect(created.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  const as = (bearer: string) => asBearer(t, bearer);
  const search = async (query: string) => {
    const response = await as(admin.bearer).get(`/users?${query}`);
    expect(response.status).toBe(200);
    return response.body as { items: { username: string }[]; next_cursor: string | null };
  };
  const usernames = async (query: string) =>
    (await search(query)).items.map((item) => item.username);

  it('finds usernames by prefix and display names by any part, in either case', async () => {
    expect(await usernames('q=ALI')).toEqual(['alice', 'alina', 'malik']);
    expect(await usernames('q=liddell')).toEqual(['alice']);
    expect(await usernames('q=EXAMPLE')).toEqual(['carol']);
    expect(await usernames('q=lik')).toEqual(['malik']);
  });

  it('does not match a username in its middle (only display names are searched anywhere)', async () => {
    expect(await usernames('q=ina')).toEqual([]);
  });

  it('takes wildcard characters literally', async () => {
    expect(await usernames(`q=${encodeURIComponent('50%')}`)).toEqual(['bob']);
    expect(await usernames(`q=${encodeURIComponent('%')}`)).toEqual(['bob']);
    expect(await usernames('q=_')).toEqual([]);
  });

  it('combines with the other filters and pages with the cursor', async () => {
    expect(await usernames('q=ali&role=admin')).toEqual([]);
    const first = await search('q=ali&limit=2');
    expect(first.items.map((item) => item.username)).toEqual(['alice', 'alina']);
    expect(first.next_cursor).not.toBeNull();
    const second = await search(`q=ali&limit=2&cursor=${first.next_cursor}`);
    expect(second.items.map((item) => item.username)).toEqual(['malik']);
    expect(second.next_cursor).toBeNull();
  });

  it('refuses an empty search (400)', async () => {
    const response = await as(admin.bearer).get('/users?q=');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });
});
