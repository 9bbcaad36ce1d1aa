/**
 * The audit actions the service records, taken from the server's own list so the filter can
 * never fall behind it (the file has no imports, so the browser bundle gets just the array).
 */
export { AUDIT_ACTIONS } from '../../../../server/audit/actions';
