import type { TestApp } from './test-app';

/** Requests to the application with `bearer` as their Authorization header. */
export const asBearer = (t: TestApp, bearer: string) => ({
  get: (path: string) => t.http().get(path).set('Authorization', bearer),
  post: (path: string, body?: object) =>
    t.http().post(path).set('Authorization', bearer).send(body),
  patch: (path: string, body: object) =>
    t.http().patch(path).set('Authorization', bearer).send(body),
  delete: (path: string) => t.http().delete(path).set('Authorization', bearer),
});
