import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
} from '@mui/material';
import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';
import { useTranslate } from 'react-admin';

/** Props of {@link ReasonDialog}. */
export interface ReasonDialogProps {
  open: boolean;
  title: string;
  help?: string;
  /** `required`: the API needs a reason; `optional`: one may be given; `none`: no field. */
  reason: 'required' | 'optional' | 'none';
  confirmLabel?: string;
  busy?: boolean;
  /** A problem with the reason the server reported (shown at the field). */
  error?: string;
  /** False while the dialog still needs a choice (e.g. a role): confirming is disabled. */
  ready?: boolean;
  /** The reason field's help text, when the generic one does not say enough. */
  reasonHelp?: string;
  children?: ReactNode;
  onConfirm(reason: string): void;
  onClose(): void;
}

/**
 * A keyboard-usable confirmation dialog (labelled, focus-trapped, Escape cancels, Enter
 * confirms) with a reason field when the action records one in the audit log.
 */
export function ReasonDialog(props: ReasonDialogProps) {
  const translate = useTranslate();
  const titleId = useId();
  const helpId = useId();
  const [reason, setReason] = useState('');
  // Each opening starts with an empty reason (a confirmed action closes without `close`).
  useEffect(() => {
    if (props.open) setReason('');
  }, [props.open]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (props.reason === 'required' && reason.trim() === '') return;
    if (props.ready === false) return;
    props.onConfirm(reason.trim());
  };
  const close = () => {
    setReason('');
    props.onClose();
  };
  return (
    <Dialog
      open={props.open}
      onClose={close}
      aria-labelledby={titleId}
      aria-describedby={props.help ? helpId : undefined}
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={submit}>
        <DialogTitle id={titleId}>{props.title}</DialogTitle>
        <DialogContent>
          {props.help && <DialogContentText id={helpId}>{props.help}</DialogContentText>}
          {props.children}
          {props.reason !== 'none' && (
            <TextField
              name="reason"
              label={translate('app.action.reason')}
              helperText={props.error ?? props.reasonHelp ?? translate('app.action.reason_help')}
              error={props.error !== undefined}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              required={props.reason === 'required'}
              autoFocus
              fullWidth
              multiline
              minRows={2}
              margin="normal"
              slotProps={{ htmlInput: { maxLength: 1000 } }}
            />
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>{translate('app.action.cancel')}</Button>
          <Button
            type="submit"
            variant="contained"
            disabled={
              props.busy ||
              props.ready === false ||
              (props.reason === 'required' && reason.trim() === '')
            }
            autoFocus={props.reason === 'none'}
          >
            {props.confirmLabel ?? translate('app.action.confirm')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
