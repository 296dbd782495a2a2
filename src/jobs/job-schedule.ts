import type { AppConfig } from '../config/app-config';
import type { PeriodicTaskSchedule } from '../common/periodic-task';

export interface JobTiming extends PeriodicTaskSchedule {
  /** 0 turns the job off. */
  intervalMs: number;
}

interface JobDeclaration {
  /** The name its log lines carry. */
  task: string;
  /** The logger context, when several jobs of one feature share one. */
  logContext?: string;
  timing(config: AppConfig): JobTiming;
}

const HOUR_MS = 3_600_000;
/** How often a session's last use is written: the precision of `last_used_at` an administrator reads. */
const SESSION_USE_FLUSH_MS = 60_000;
/** The first audit purge soon after start, so instances restarted more often than hourly still purge. */
const FIRST_RETENTION_DELAY_MS = 60_000;

/**
 * Every periodic job of a serving instance and when it runs; each feature marks the method that does the work
 * with `@PeriodicJob(name)`. Every instance runs every job: each is safe to run concurrently with itself on
 * another instance. The four housekeeping jobs share SESSION_PURGE_INTERVAL, as before they were declared here.
 */
export const JOB_SCHEDULE = {
  'session-purge': {
    task: 'SessionPurge',
    timing: (config) => ({ intervalMs: config.sessionPurgeIntervalMs }),
  },
  'session-use-flush': {
    task: 'SessionUseFlush',
    timing: () => ({ intervalMs: SESSION_USE_FLUSH_MS }),
  },
  'login-lockout-purge': {
    task: 'LoginLockoutPurge',
    timing: (config) => ({ intervalMs: config.sessionPurgeIntervalMs }),
  },
  'sign-in-state-purge': {
    task: 'SignInStatePurge',
    timing: (config) => ({ intervalMs: config.sessionPurgeIntervalMs }),
  },
  'oidc-maintenance': {
    task: 'OidcMaintenance',
    timing: (config) => ({ intervalMs: config.sessionPurgeIntervalMs }),
  },
  // Each instance learns of keys rotated elsewhere (and of a key's activation) well within the activation delay.
  'access-token-keys-refresh': {
    task: 'AccessTokenKeysRefresh',
    timing: (config) => ({ intervalMs: config.signingKeys.pollIntervalMs }),
  },
  'oidc-keys-refresh': {
    task: 'OidcKeysRefresh',
    timing: (config) => ({ intervalMs: config.signingKeys.pollIntervalMs }),
  },
  'oidc-logout-sweep': {
    task: 'OidcLogoutSweep',
    timing: (config) => ({ intervalMs: config.oidc.logoutSweepIntervalMs }),
  },
  'audit-checkpoint': {
    task: 'Audit checkpoint job',
    logContext: 'AuditJobs',
    timing: (config) => ({
      intervalMs: config.audit.hmacKey === undefined ? 0 : config.audit.checkpointIntervalMs,
    }),
  },
  'audit-retention': {
    task: 'Audit retention job',
    logContext: 'AuditJobs',
    timing: (config) =>
      config.audit.retentionDays === undefined
        ? { intervalMs: 0 }
        : { intervalMs: HOUR_MS, firstRunAfterMs: FIRST_RETENTION_DELAY_MS },
  },
} satisfies Record<string, JobDeclaration>;

export type JobName = keyof typeof JOB_SCHEDULE;
