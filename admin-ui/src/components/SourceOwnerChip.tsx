import { Chip, Tooltip } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { UserRecord } from '../api/types';
import { sourceName } from './sourceName';

/**
 * "AD/LDAP: corp-ad", "HR: hr-import", "SCIM": which source maintains a field of a person. An
 * owner that is neither linked source is a source kind (people synced before links existed).
 */
export function ownerLabel(
  owner: string,
  record: Pick<UserRecord, 'sourceId' | 'hrSourceId'>,
  translate: (key: string, options?: Record<string, unknown>) => string,
): string {
  if (owner === 'scim') return translate('app.owner.scim');
  if (record.sourceId && owner === record.sourceId)
    return `${translate('app.owner.directory')}: ${owner}`;
  if (record.hrSourceId && owner === record.hrSourceId)
    return `${translate('app.owner.hr')}: ${sourceName(owner, translate)}`;
  return translate(`app.source.${owner}`, { _: owner });
}

/**
 * A small chip naming the source that maintains a field of a person, with a tooltip saying it
 * is edited there; nothing for a field edited by hand.
 */
export function SourceOwnerChip({ record, field }: { record: UserRecord; field: string }) {
  const translate = useTranslate();
  const owner = record.fieldOwners?.[field];
  if (!owner) return null;
  const label = ownerLabel(owner, record, translate);
  return (
    <Tooltip title={translate('app.owner.tooltip', { source: label })}>
      <Chip
        size="small"
        variant="outlined"
        color="info"
        label={label}
        data-testid={`owner-${field}`}
        sx={{ ml: 1, height: 20, fontSize: 11, verticalAlign: 'middle' }}
      />
    </Tooltip>
  );
}
