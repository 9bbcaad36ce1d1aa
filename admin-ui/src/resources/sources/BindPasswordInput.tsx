import { Box, Typography } from '@mui/material';
import { BooleanInput, PasswordInput, useRecordContext, useTranslate } from 'react-admin';
import { useWatch } from 'react-hook-form';
import type { DirectorySourceRecord } from '../../api/syncTypes';
import { useFormat } from '../../format';

/**
 * The write-only bind password: whether one is stored and since when, a field to set or replace
 * it (never pre-filled; sent only when typed) and an explicit "clear".
 */
export function BindPasswordInput({ stored }: { stored?: DirectorySourceRecord }) {
  const translate = useTranslate();
  const record = useRecordContext<DirectorySourceRecord>();
  const source = stored ?? record;
  const { dateTime } = useFormat();
  const clear = useWatch({ name: 'bindPasswordClear' }) === true;
  const isSet = source?.bindPasswordSet === true;
  return (
    <Box data-testid="bind-password" sx={{ width: '100%', maxWidth: 600 }}>
      <Typography variant="body2" data-testid="bind-password-state" sx={{ mb: 1 }}>
        {isSet
          ? translate('app.sources.password.set_on', {
              date: source?.bindPasswordChangedAt ? dateTime(source.bindPasswordChangedAt) : '—',
            })
          : translate('app.sources.password.not_set')}
      </Typography>
      <PasswordInput
        source="bindPassword"
        label={isSet ? 'app.sources.password.replace' : 'app.sources.password.new'}
        helperText="app.sources.password.help"
        autoComplete="new-password"
        disabled={clear}
        fullWidth
      />
      {isSet && (
        <BooleanInput
          source="bindPasswordClear"
          label="app.sources.password.clear"
          helperText="app.sources.password.clear_help"
        />
      )}
    </Box>
  );
}
