/** One data row of an import file: its cells as text, and where it is in the file. */
export interface TableRow {
  /** 1-based line (CSV) or sheet row (XLSX) where the row starts; the header row is 1 or more. */
  line: number;
  cells: string[];
}

/** An import file read as a table: the header row and the data rows. */
export interface Table {
  headers: string[];
  /** Line of the header row. */
  headerLine: number;
  rows: TableRow[];
  /**
   * Every row must have the header's cell count (CSV: another count means shifted columns);
   * spreadsheets drop trailing empty cells, so their rows may be shorter.
   */
  fixedWidth: boolean;
}
