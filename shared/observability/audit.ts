import { Logger } from '@aws-lambda-powertools/logger';

// The audit trail of eligibility checks: one structured line per check, whatever the
// application's log level (TUODI_AUDIT_LOG_LEVEL=SILENT turns it off where no one keeps it).
// Never the ID number: only its masked form.
export const auditLogger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'tuodi',
  logLevel: (process.env.TUODI_AUDIT_LOG_LEVEL ?? 'INFO') as 'INFO',
});

export interface EligibilityCheckAudit {
  hospitalId: string;
  noticeId: string;
  /** When the check was made (ISO 8601). */
  at: string;
  idNumberMasked: string;
  /** GUARANTEED, NOT_ELIGIBLE, or the stay refused (NOT_ELIGIBLE with `openStayElsewhere`). */
  outcome: string;
  /** Internal detail for the bureau's auditors; never shown to the hospital. */
  detail: string;
}

export function auditEligibilityCheck(entry: EligibilityCheckAudit): void {
  auditLogger.info('eligibility check', { audit: 'ELIGIBILITY_CHECK', ...entry });
}
