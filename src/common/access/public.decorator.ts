import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'aegis:isPublic';

/** Opts a route out of the global authentication guard. Everything else requires a valid session. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
