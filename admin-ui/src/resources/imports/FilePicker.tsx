import AttachFile from '@mui/icons-material/AttachFile';
import { Box, Button, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { useFormat } from '../../format';

/** The kinds of file an import reads. */
const ACCEPT =
  '.csv,.txt,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A "choose file" button showing the chosen file's name and size. */
export function FilePicker({
  file,
  onChange,
}: {
  file: File | null;
  onChange(file: File | null): void;
}) {
  const translate = useTranslate();
  const { number } = useFormat();
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
      <Button component="label" variant="outlined" startIcon={<AttachFile />}>
        {translate('app.imports.choose_file')}
        <input
          hidden
          type="file"
          accept={ACCEPT}
          data-testid="import-file"
          onChange={(event) => onChange(event.target.files?.[0] ?? null)}
        />
      </Button>
      <Typography variant="body2" data-testid="import-file-name">
        {file
          ? `${file.name} (${number(Math.ceil(file.size / 1024))} KB)`
          : translate('app.imports.no_file')}
      </Typography>
    </Box>
  );
}
