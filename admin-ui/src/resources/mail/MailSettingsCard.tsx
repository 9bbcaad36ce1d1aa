import { Alert, Table, TableBody, TableCell, TableRow } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslate } from 'react-admin';
import { call } from '../../api/call';
import type { MailSettings } from '../../api/mailTypes';
import { Section } from '../../components/Section';

/**
 * The mail settings, read-only: they come from the configuration file only, so that nobody can
 * re-point SMTP from the console and collect the codes it sends (docs/decisions.md).
 */
export function MailSettingsCard() {
  const translate = useTranslate();
  const [settings, setSettings] = useState<MailSettings | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    call('getMailSettings').then(setSettings, () => setFailed(true));
  }, []);
  if (failed) return null;
  const rows: [string, string][] = settings
    ? [
        ['host', settings.host ? `${settings.host}:${settings.port}` : '—'],
        ['security', settings.security ? translate(`app.mail.security.${settings.security}`) : '—'],
        ['user', settings.user ?? '—'],
        [
          'password',
          translate(settings.passwordSet ? 'app.mail.password_set' : 'app.mail.password_unset'),
        ],
        ['from', settings.from ?? '—'],
        ['replyTo', settings.replyTo ?? '—'],
        ['companyName', settings.companyName],
      ]
    : [];
  return (
    <Section title={translate('app.mail.settings')}>
      {settings && !settings.configured && (
        <Alert severity="warning" sx={{ mb: 1 }} data-testid="mail-unconfigured">
          {translate('app.mail.unconfigured')}
        </Alert>
      )}
      <Table size="small" data-testid="mail-settings">
        <TableBody>
          {rows.map(([key, value]) => (
            <TableRow key={key}>
              <TableCell component="th" sx={{ width: '40%' }}>
                {translate(`app.mail.field.${key}`)}
              </TableCell>
              <TableCell>{value}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Alert severity="info" sx={{ mt: 1 }}>
        {translate('app.mail.from_config')}
      </Alert>
    </Section>
  );
}
