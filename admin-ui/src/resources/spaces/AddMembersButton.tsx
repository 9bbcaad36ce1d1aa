import PersonAdd from '@mui/icons-material/PersonAdd';
import { useState } from 'react';
import {
  AutocompleteArrayInput,
  Button,
  Form,
  ReferenceArrayInput,
  useNotify,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { ReasonDialog } from '../../components/ReasonDialog';
import { useAppDataProvider } from '../../dataProviderHook';

const byName = (q: string) => ({ q });

/** Adds people to a space, picked by a name/phone/email search. */
export function AddMembersButton({ spaceId }: { spaceId: string }) {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const dataProvider = useAppDataProvider();
  const [open, setOpen] = useState(false);
  const [ids, setIds] = useState<string[]>([]);

  const confirm = async () => {
    if (ids.length === 0) return;
    try {
      const result = await dataProvider.addSpaceMembers(spaceId, ids);
      notify('app.action.added_members', {
        type: 'success',
        messageArgs: { smart_count: result.added.length },
      });
      setOpen(false);
      setIds([]);
      refresh();
    } catch (error) {
      notify(error instanceof Error ? error.message : String(error), { type: 'error' });
    }
  };

  return (
    <>
      <Button label="app.action.add_members" onClick={() => setOpen(true)}>
        <PersonAdd />
      </Button>
      <ReasonDialog
        open={open}
        title={translate('app.action.add_members')}
        reason="none"
        onConfirm={confirm}
        onClose={() => setOpen(false)}
      >
        <Form>
          <ReferenceArrayInput source="userIds" reference="users">
            <AutocompleteArrayInput
              filterToQuery={byName}
              optionText="fullName"
              label="resources.spaces.fields.members"
              onChange={(value: string[]) => setIds(value)}
              fullWidth
            />
          </ReferenceArrayInput>
        </Form>
      </ReasonDialog>
    </>
  );
}
