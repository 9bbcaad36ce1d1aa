import { Box, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useCanAccess, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { call } from '../../api/call';
import type { UserRecord } from '../../api/types';
import { Row, Section } from '../../components/Section';
import { useFormat } from '../../format';
import { ExportLink } from './ExportLink';
import { ViaChip } from './ViaChip';

const SHOWN = 50;
// When and by whom a membership was added: left out on a phone, where the name and why matter.
const WIDE_ONLY = { display: { xs: 'none', sm: 'table-cell' } } as const;

/**
 * «Доступ» on a person's card (issue 18): their organization (with its path) and why they are
 * in it, their spaces with why, and every console right in force with its scope and expiry;
 * the whole of it as an audited CSV export. Read by whoever may read the card.
 */
export function PersonAccess({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const { dateTime } = useFormat();
  const { canAccess: canExport } = useCanAccess({ action: 'export', resource: 'users' });
  const { data } = useQuery({
    // The record's version in the key: an action on the card (which bumps it) reads this again.
    queryKey: ['person-access', record.id, record.version],
    queryFn: () => call('getPersonAccess', { params: { id: record.id }, query: { limit: SHOWN } }),
  });
  const t = (key: string, options?: Record<string, unknown>) =>
    translate(`access.person.${key}`, options);
  if (!data) return null;
  const organization = data.organization;
  return (
    <Section title={translate('access.title')} wide>
      <Box data-testid="person-access">
        {canExport && (
          <ExportLink path={`/users/${record.id}/access/export`} testId="person-access-export" />
        )}
        <Row label={t('organization')}>
          {organization ? (
            <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'center' }}>
              <span>{organization.path.join(' / ')}</span>
              <ViaChip via={organization.via} sourceId={organization.viaSourceId} />
            </Box>
          ) : (
            t('no_organization')
          )}
        </Row>
        <Typography variant="subtitle2" component="h3" sx={{ mt: 2 }}>
          {t('spaces_count', { smart_count: data.spacesTotal })}
        </Typography>
        {data.spaces.length === 0 ? (
          <Typography variant="body2">{t('no_spaces')}</Typography>
        ) : (
          <Table size="small" data-testid="person-spaces">
            <TableHead>
              <TableRow>
                <TableCell>{t('spaces')}</TableCell>
                <TableCell>{t('why')}</TableCell>
                <TableCell sx={WIDE_ONLY}>{t('added')}</TableCell>
                <TableCell sx={WIDE_ONLY}>{t('added_by')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.spaces.map((space) => (
                <TableRow key={space.spaceId}>
                  <TableCell sx={{ wordBreak: 'break-word' }}>
                    <Link to={`/spaces/${space.spaceId}/show`}>{space.name}</Link>
                  </TableCell>
                  <TableCell>
                    <ViaChip via={space.via} sourceId={space.viaSourceId} />
                  </TableCell>
                  <TableCell sx={{ ...WIDE_ONLY, whiteSpace: 'nowrap' }}>
                    {dateTime(space.addedAt)}
                  </TableCell>
                  <TableCell sx={WIDE_ONLY}>
                    {space.addedById ? (
                      <Link to={`/users/${space.addedById}/show`}>{space.addedByName}</Link>
                    ) : (
                      '—'
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {data.spacesTotal > data.spaces.length && (
          <Typography variant="body2" color="text.secondary">
            {t('shown', { shown: data.spaces.length, total: data.spacesTotal })}
          </Typography>
        )}
        <Typography variant="subtitle2" component="h3" sx={{ mt: 2 }}>
          {t('rights')}
        </Typography>
        {data.rights.length === 0 ? (
          <Typography variant="body2">{t('no_rights')}</Typography>
        ) : (
          <Table size="small" data-testid="person-rights">
            <TableHead>
              <TableRow>
                <TableCell>{translate('resources.users.fields.role')}</TableCell>
                <TableCell>{t('scope')}</TableCell>
                <TableCell>{t('until')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.rights.map((right) => (
                <TableRow key={right.grantId ?? 'standing'}>
                  <TableCell>
                    {translate(`app.role.${right.role}`)}{' '}
                    <Typography component="span" variant="body2" color="text.secondary">
                      ({t(right.grantId ? 'granted' : 'standing')})
                    </Typography>
                  </TableCell>
                  <TableCell sx={{ wordBreak: 'break-word' }}>
                    {right.scope.length === 0
                      ? t('company')
                      : right.scope.map((org) => org.name).join(', ')}
                  </TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    {right.expiresAt ? dateTime(right.expiresAt) : t('no_end')}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Box>
    </Section>
  );
}
