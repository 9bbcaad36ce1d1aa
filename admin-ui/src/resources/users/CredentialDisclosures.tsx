import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import type { CredentialDisclosure, UserRecord } from '../../api/types';
import { Section } from '../../components/Section';
import { useFormat } from '../../format';

function By({ item }: { item: CredentialDisclosure }) {
  const label = item.byLabel || '—';
  if (!item.byId) return <>{label}</>;
  return <Link to={`/users/${item.byId}/show`}>{label}</Link>;
}

/**
 * The enrollment links issued for this person while they already had credentials (each one
 * disclosed a way into the account): when, by whom, why, until when, whether it was used.
 * Shown when the server sends the list: always for back-office people, else when there are any.
 */
export function CredentialDisclosures({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const { dateTime } = useFormat();
  const items = record.credentialDisclosures;
  if (!items || (items.length === 0 && record.role === null)) return null;
  const t = (key: string) => translate(`app.disclosure.${key}`);
  return (
    <Section title={t('title')} wide>
      {items.length === 0 ? (
        <Typography variant="body2">{t('none')}</Typography>
      ) : (
        <Table size="small" data-testid="credential-disclosures">
          <TableHead>
            <TableRow>
              <TableCell>{t('at')}</TableCell>
              <TableCell>{t('by')}</TableCell>
              <TableCell>{t('reason')}</TableCell>
              <TableCell>{t('expires_at')}</TableCell>
              <TableCell>{t('used_at')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map((item) => (
              <TableRow key={`${item.at}|${item.byId}|${item.expiresAt}`}>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>
                  <time dateTime={item.at}>{dateTime(item.at)}</time>
                </TableCell>
                <TableCell>
                  <By item={item} />
                </TableCell>
                <TableCell sx={{ wordBreak: 'break-word' }}>{item.reason || '—'}</TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{dateTime(item.expiresAt)}</TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>
                  {item.usedAt ? dateTime(item.usedAt) : t('not_used')}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Section>
  );
}
