import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AuditEvent } from './src/audit/entities/audit-event.entity';
import { loadDatabaseConfig } from './src/config/app-config';
import { loadDotEnv } from './src/config/env-file';
import { buildDataSourceOptions } from './src/database/data-source-options';
import { RetiredRefreshToken } from './src/sessions/entities/retired-refresh-token.entity';
import { Session } from './src/sessions/entities/session.entity';
import { User } from './src/users/entities/user.entity';

loadDotEnv();

/** The DataSource of the TypeORM CLI (`npm run migration:run|revert|generate`): same settings as the app. */
export default new DataSource({
  ...buildDataSourceOptions(loadDatabaseConfig(process.env), [
    User,
    Session,
    RetiredRefreshToken,
    AuditEvent,
  ]),
  migrationsRun: false,
});
