import { TextField } from '@mui/material';

/** Props of {@link NewPasswordFields}. */
export interface NewPasswordFieldsProps {
  password: string;
  confirm: string;
  onPassword: (value: string) => void;
  onConfirm: (value: string) => void;
  /** The translated labels of the two fields. */
  labels: { password: string; confirm: string };
}

/**
 * A new password and its repetition, as every page that sets one asks for them (an enrollment
 * link, an invitation): `new-password` autocomplete, so a password manager offers to generate
 * and save it.
 */
export function NewPasswordFields({
  password,
  confirm,
  onPassword,
  onConfirm,
  labels,
}: NewPasswordFieldsProps) {
  return (
    <>
      <TextField
        id="new-password"
        type="password"
        label={labels.password}
        autoComplete="new-password"
        value={password}
        onChange={(e) => onPassword(e.target.value)}
        fullWidth
        margin="normal"
        required
      />
      <TextField
        id="confirm-password"
        type="password"
        label={labels.confirm}
        autoComplete="new-password"
        value={confirm}
        onChange={(e) => onConfirm(e.target.value)}
        fullWidth
        margin="normal"
        required
      />
    </>
  );
}
