import { Chip } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';

/**
 * Why a person is in a space or an organization, as a word, with the source that put them there
 * (a directory source's id, `hr-import`, `scim`) when there is one.
 */
export function ViaChip({ via, sourceId }: { via: string; sourceId: string | null }) {
  const translate = useTranslate();
  const word = translate(`access.via.${via}`, { _: via });
  const label = sourceId && sourceId !== 'scim' ? `${word} · ${sourceId}` : word;
  return (
    <Chip
      size="small"
      variant="outlined"
      color={via === 'manual' ? 'default' : 'info'}
      label={label}
      data-testid={`via-${via}`}
    />
  );
}

/** {@link ViaChip} of the record in context (a space member row). */
export function ViaField(_props: { label?: string; sortable?: boolean }) {
  const record = useRecordContext<{ via?: string; viaSourceId?: string | null }>();
  if (!record?.via) return null;
  return <ViaChip via={record.via} sourceId={record.viaSourceId ?? null} />;
}
