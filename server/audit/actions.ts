/**
 * Every audit action, as a past-tense name. Denied attempts use the action they were refused,
 * with outcome `denied`.
 */
export const AUDIT_ACTIONS = [
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.totp_enrolled',
  'auth.logout',
  'auth.enrollment_completed',
  'auth.recovery_code_used',
  'auth.recovery_codes_regenerated',
  'auth.oidc_linked',
  'auth.code_sent',
  'auth.code_held',
  'session.created',
  'user.created',
  'user.updated',
  'user.activated',
  'user.deactivated',
  'user.suspended',
  'user.credential_disclosed',
  'user.login_method_changed',
  'user.delivery_address_approved',
  'user.role_changed',
  // Role grants (issue 18): scoped and/or time-bound roles on top of the standing one.
  'user.role_granted',
  'user.role_grant_ended',
  'user.enrollment_link_issued',
  'user.password_reset_sent',
  'user.password_reset_held',
  'user.2fa_reset',
  'user.sessions_revoked',
  'user.sessions_listed',
  'session.revoked',
  'core.key_rejected',
  'core.deliveries_listed',
  'core.delivery_retried',
  'core.delivery_skipped',
  'core.reconciled',
  'mail.test_sent',
  'mail.messages_listed',
  'mail.settings_viewed',
  'siem.status_viewed',
  'user.listed',
  'user.viewed',
  'organization.created',
  'organization.updated',
  'organization.deleted',
  'organization.listed',
  'organization.viewed',
  'space.created',
  'space.updated',
  'space.deleted',
  'space.member_added',
  'space.member_removed',
  'space.listed',
  'space.viewed',
  'space.members_listed',
  'audit.listed',
  'audit.viewed',
  'audit.exported',
  'audit.verified',
  'audit.checkpoint_restored',
  'audit.checkpoint_key_rotated',
  'audit.archived',
  'superadmin.bootstrapped',
  'demo.seeded',
  'directory_source.listed',
  'directory_source.viewed',
  'directory_source.created',
  'directory_source.updated',
  'directory_source.tested',
  'directory_source.deleted',
  'sync_run.requested',
  'sync_run.listed',
  'sync_run.viewed',
  'sync_run.completed',
  'sync_run.failed',
  'sync_run.approved',
  'sync_run.cancelled',
  'sync_run.decided',
  'import.uploaded',
  'import.applied',
  'import.discarded',
  'import.listed',
  'import.viewed',
  'scim_token.created',
  'scim_token.revoked',
  'scim_token.listed',
  'scim.request_denied',
  'scheduled_change.created',
  'scheduled_change.updated',
  'scheduled_change.cancelled',
  'scheduled_change.fired',
  'scheduled_change.listed',
  'invitation.sent',
  'invitation.resent',
  'invitation.reminded',
  'invitation.held',
  'invitation.approved',
  'invitation.revoked',
  'invitation.link_shown',
  'invitation.registered',
  'invitation.bulk_started',
  'invitation.bulk_finished',
  // Issue 16: bulk jobs on the people list's selection, and exports of the people list.
  'bulk_job.started',
  'bulk_job.cancelled',
  'bulk_job.finished',
  'bulk_job.report_downloaded',
  'user.exported',
  'user.export_finished',
  // Access reviews (issue 18): campaigns, per-item decisions, the signed report.
  'review.listed',
  'review.campaign_created',
  'review.item_decided',
  'review.campaign_closed',
  'review.report_downloaded',
  'review.reminders_sent',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditOutcome = 'success' | 'denied' | 'failure';

/** A before/after pair of the fields a change touched. */
export interface AuditDiff {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** What a command says about one thing that happened; the actor and time are added on append. */
export interface AuditEventInput {
  action: AuditAction;
  outcome?: AuditOutcome;
  targetType?: string;
  targetId?: string;
  targetLabel?: string;
  reason?: string | null;
  diff?: AuditDiff;
  details?: Record<string, unknown>;
}
