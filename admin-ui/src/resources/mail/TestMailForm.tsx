import { Button, Stack, TextField } from '@mui/material';
import { type FormEvent, useState } from 'react';
import { useNotify, useRefresh, useTranslate } from 'react-admin';
import { call } from '../../api/call';
import { Section } from '../../components/Section';

/** "Send test mail" (superadmins): queues the test mail; the queue below shows how it went. */
export function TestMailForm() {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [to, setTo] = useState('');
  const [sending, setSending] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    try {
      await call('sendTestMail', { body: { to } });
      notify('app.mail.test_queued', { type: 'success', messageArgs: { to } });
      refresh();
    } catch (error) {
      notify(error instanceof Error ? error.message : String(error), { type: 'error' });
    } finally {
      setSending(false);
    }
  };
  return (
    <Section title={translate('app.mail.test_title')}>
      <form onSubmit={submit} data-testid="mail-test-form">
        <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
          <TextField
            size="small"
            type="email"
            required
            label={translate('app.mail.test_to')}
            value={to}
            onChange={(event) => setTo(event.target.value)}
            sx={{ minWidth: 280 }}
          />
          <Button type="submit" variant="contained" disabled={sending || to === ''}>
            {translate('app.mail.test_send')}
          </Button>
        </Stack>
      </form>
    </Section>
  );
}
