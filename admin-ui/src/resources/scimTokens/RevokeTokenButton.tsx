import Block from '@mui/icons-material/Block';
import { useTranslate } from 'react-admin';
import type { ScimTokenRecord } from '../../api/hrTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { ActionButton } from '../users/ActionButton';

/** Revokes a SCIM token after a confirmation; the HR system using it is refused from then on. */
export function RevokeTokenButton({ token }: { token: ScimTokenRecord }) {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  return (
    <ActionButton
      label={translate('app.scim.revoke')}
      icon={<Block />}
      title={translate('app.scim.revoke_title', { name: token.name })}
      help={translate('app.scim.revoke_help')}
      reason="none"
      confirmLabel={translate('app.scim.revoke')}
      run={async () => {
        await dataProvider.revokeScimToken(token.id);
        return { message: 'app.scim.revoked_done' };
      }}
    />
  );
}
