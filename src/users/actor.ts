import type { Principal } from '../common/access/principal';
import type { RequestMeta } from '../common/http/request-meta';
import type { Actor } from './user-administration.service';

/** The administrator behind an HTTP request, for audit rows. */
export function actorOf(principal: Principal, meta: RequestMeta): Actor {
  return { userId: principal.user.id, username: principal.user.username, meta };
}
