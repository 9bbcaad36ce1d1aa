import { useRecordContext } from 'react-admin';
import { useFormat } from '../format';

/** Props of {@link DateTime}. */
export interface DateTimeProps {
  source: string;
  label?: string;
  sortable?: boolean;
}

/** A timestamp of the record, formatted for the current locale. */
export function DateTime({ source }: DateTimeProps) {
  const record = useRecordContext();
  const { dateTime } = useFormat();
  const value = record?.[source] as string | null | undefined;
  return (
    <time dateTime={value ?? undefined} style={{ whiteSpace: 'nowrap' }}>
      {dateTime(value)}
    </time>
  );
}
