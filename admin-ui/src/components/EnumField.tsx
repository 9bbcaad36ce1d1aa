import { Chip } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import { STATUS_COLORS } from './StatusChip';

/** Props of {@link EnumField}. */
export interface EnumFieldProps {
  source: string;
  /** The message prefix: `app.status` shows `app.status.<value>`. */
  prefix: string;
  label?: string;
  chip?: boolean;
  empty?: string;
  sortable?: boolean;
  sortBy?: string;
}

/** Shows a coded value (status, role, source…) translated; a chip for statuses. */
export function EnumField({ source, prefix, chip, empty }: EnumFieldProps) {
  const record = useRecordContext();
  const translate = useTranslate();
  const value = record?.[source] as string | null | undefined;
  if (value === undefined || value === null) {
    return empty ? <span>{translate(`${prefix}.${empty}`)}</span> : <span>—</span>;
  }
  const label = translate(`${prefix}.${value}`, { _: value });
  if (!chip) return <span>{label}</span>;
  return (
    <Chip size="small" label={label} color={STATUS_COLORS[value] ?? 'default'} variant="outlined" />
  );
}

/** Choices for a select input of a coded value, translated through `prefix`. */
export function enumChoices(values: readonly string[], prefix: string) {
  return values.map((value) => ({ id: value, name: `${prefix}.${value}` }));
}
