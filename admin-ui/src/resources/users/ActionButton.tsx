import type { ReactElement, ReactNode } from 'react';
import { useState } from 'react';
import { Button, HttpError, useNotify, useRefresh, useTranslate } from 'react-admin';
import { type Problem, problemCode } from '../../api/http';
import { ReasonDialog, type ReasonDialogProps } from '../../components/ReasonDialog';

/** Props of {@link ActionButton}. */
export interface ActionButtonProps {
  label: string;
  icon: ReactElement;
  title: string;
  help?: string;
  reason: ReasonDialogProps['reason'];
  confirmLabel?: string;
  /** False while the dialog still needs a choice: confirming is disabled. */
  ready?: boolean;
  /** Called as the dialog opens (to clear a choice left from a cancelled opening). */
  onOpen?(): void;
  children?: ReactNode;
  /** Runs the action; answers the success message (a translation key) and its arguments. */
  run(reason: string): Promise<{ message: string; args?: Record<string, unknown> } | undefined>;
}

/** A button that opens a confirmation dialog, runs an action, and reports its outcome. */
export function ActionButton(props: ActionButtonProps) {
  const notify = useNotify();
  const refresh = useRefresh();
  const translate = useTranslate();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [reasonError, setReasonError] = useState<string | undefined>();

  const confirm = async (reason: string) => {
    setBusy(true);
    setReasonError(undefined);
    try {
      const done = await props.run(reason);
      if (done) notify(done.message, { type: 'success', messageArgs: done.args });
      setOpen(false);
      refresh();
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      // The server's word on the reason (blank, too long) belongs under the reason field.
      const atReason =
        error instanceof HttpError
          ? (error.body as Partial<Problem> | undefined)?.errors?.find((e) => e.path === 'reason')
          : undefined;
      if (atReason) {
        setReasonError(translate('app.safety.reason_required'));
        return;
      }
      // A lifecycle refusal (already_suspended, last_superadmin…) reads in the UI's language.
      const code = problemCode(error);
      notify(code ? translate(`app.skip.${code}`, { _: text }) : text, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button
        label={props.label}
        onClick={() => {
          props.onOpen?.();
          setOpen(true);
        }}
      >
        {props.icon}
      </Button>
      <ReasonDialog
        open={open}
        title={props.title}
        help={props.help}
        reason={props.reason}
        busy={busy}
        confirmLabel={props.confirmLabel}
        ready={props.ready}
        error={reasonError}
        onConfirm={confirm}
        onClose={() => {
          setReasonError(undefined);
          setOpen(false);
        }}
      >
        {props.children}
      </ReasonDialog>
    </>
  );
}
