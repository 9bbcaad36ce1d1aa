/**
 * Errors a directory read throws. Any of them means "the read is incomplete": the engine must not
 * deactivate anyone because of it.
 */

/** The saved cursor cannot continue: another DC answered, or it was restored. Run a full read. */
export class IncrementalNotPossibleError extends Error {
  override name = 'IncrementalNotPossibleError';
  readonly code = 'incremental_not_possible';
}

/** The directory answered something a complete read cannot be built from (e.g. a referral). */
export class DirectoryReadError extends Error {
  override name = 'DirectoryReadError';
  readonly code = 'directory_read_failed';
}
