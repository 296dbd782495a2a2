import { InitialSchema1764201600000 } from './1764201600000-initial-schema';
import { AuditHashChain1764201700000 } from './1764201700000-audit-hash-chain';

/** Every migration, in order. Listed as classes so the same list works from ts-node, Jest and the build. */
export const MIGRATIONS = [InitialSchema1764201600000, AuditHashChain1764201700000];
