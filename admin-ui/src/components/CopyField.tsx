import ContentCopy from '@mui/icons-material/ContentCopy';
import { IconButton, InputAdornment, TextField, Tooltip } from '@mui/material';
import { useNotify, useTranslate } from 'react-admin';

/** A read-only text (a secret, a URL) with a button that copies it to the clipboard. */
export function CopyField({
  label,
  value,
  testId,
}: {
  label: string;
  value: string;
  testId?: string;
}) {
  const translate = useTranslate();
  const notify = useNotify();
  const copy = async () => {
    // Without a secure context there is no clipboard API: the text stays selectable.
    await navigator.clipboard?.writeText(value).catch(() => undefined);
    notify('app.action.copied', { type: 'info' });
  };
  return (
    <TextField
      label={label}
      value={value}
      fullWidth
      margin="normal"
      onFocus={(event) => event.target.select()}
      slotProps={{
        htmlInput: { readOnly: true, 'data-testid': testId, style: { fontFamily: 'monospace' } },
        input: {
          endAdornment: (
            <InputAdornment position="end">
              <Tooltip title={translate('app.action.copy')}>
                <IconButton
                  aria-label={`${translate('app.action.copy')}: ${label}`}
                  onClick={copy}
                  edge="end"
                >
                  <ContentCopy />
                </IconButton>
              </Tooltip>
            </InputAdornment>
          ),
        },
      }}
    />
  );
}
