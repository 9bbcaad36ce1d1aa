/**
 * The files uploaded in this tab, by the id of the preview they produced: re-running a preview
 * with another column mapping sends the same File again (the server keeps no copy of a file it
 * has not applied). Lost on reload; the preview page then asks for the file again.
 */
const files = new Map<string, File>();

/** Remembers the file behind a preview. */
export function rememberFile(runId: string, file: File): void {
  files.set(runId, file);
}

/** The file behind a preview, if this tab uploaded it. */
export function fileOf(runId: string): File | undefined {
  return files.get(runId);
}
