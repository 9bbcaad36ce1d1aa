import { AppError, unprocessable } from '../../../shared/errors.ts';

/**
 * What one import may cost (`hr.import.*`): files that exceed a limit are refused with a stable
 * code and the limit's name, before the work it guards is done where that can be known up
 * front (the archive's directory, the sheet's declared dimension, the header row).
 */
export interface ImportLimits {
  /** Largest XLSX content inflated (the parts read), in bytes. */
  maxUncompressedBytes: number;
  /** Most data rows. */
  maxRows: number;
  /** Most columns in a row. */
  maxColumns: number;
  /** Longest cell, in characters. */
  maxCellChars: number;
  /** Longest the read and validation may take, in seconds. */
  maxParseSeconds: number;
}

/** The limits of a service's configuration (`hr.import`). */
export function limitsOf(config: ImportLimits): ImportLimits {
  return {
    maxUncompressedBytes: config.maxUncompressedBytes,
    maxRows: config.maxRows,
    maxColumns: config.maxColumns,
    maxCellChars: config.maxCellChars,
    maxParseSeconds: config.maxParseSeconds,
  };
}

/** 413 `uncompressed_too_large`: the workbook inflates to more than the limit. */
export function uncompressedTooLarge(declared: number, max: number, part: string): AppError {
  return new AppError(
    413,
    'uncompressed_too_large',
    `The workbook inflates to more than ${max} bytes (${part}: ${declared} bytes or more); ` +
      'refused before it was inflated',
    { limit: 'hr.import.maxUncompressedBytes', max, declared, part },
  );
}

/** 422 `too_many_rows`. */
export function tooManyRows(found: number, max: number): AppError {
  return unprocessable(
    'too_many_rows',
    `The file has more than ${max} rows (${found} or more); split it or raise hr.import.maxRows`,
    { limit: 'hr.import.maxRows', max, found },
  );
}

/** 422 `too_many_columns`, at the row that has them. */
export function tooManyColumns(found: number, max: number, row: number): AppError {
  return unprocessable(
    'too_many_columns',
    `Row ${row} has ${found} columns; at most ${max} are read (hr.import.maxColumns)`,
    { limit: 'hr.import.maxColumns', max, found, row },
  );
}

/** 422 `cell_too_long`, at the row and column of the cell. */
export function cellTooLong(row: number, column: number, max: number): AppError {
  return unprocessable(
    'cell_too_long',
    `The cell at row ${row}, column ${column} is longer than ${max} characters (hr.import.maxCellChars)`,
    { limit: 'hr.import.maxCellChars', max, row, column },
  );
}

/** 422 `import_too_slow`: reading the file took longer than the limit. */
export function importTooSlow(max: number): AppError {
  return unprocessable(
    'import_too_slow',
    `Reading the file took longer than ${max} seconds (hr.import.maxParseSeconds); split it`,
    { limit: 'hr.import.maxParseSeconds', max },
  );
}
