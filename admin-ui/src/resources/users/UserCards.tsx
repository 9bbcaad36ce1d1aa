import { SimpleList, useTranslate } from 'react-admin';
import type { UserRecord } from '../../api/types';

/** The people list on a phone: one card per person (ФИО; contacts; organization and status). */
export function UserCards() {
  const translate = useTranslate();
  return (
    <SimpleList<UserRecord>
      data-testid="user-cards"
      rowClick="show"
      primaryText={(record) => record.fullName || record.displayName}
      secondaryText={(record) =>
        [record.email, record.phone, record.organization?.name].filter(Boolean).join(' · ')
      }
      tertiaryText={(record) =>
        [
          translate(`app.status.${record.status}`),
          record.role ? translate(`app.role.${record.role}`) : null,
        ]
          .filter(Boolean)
          .join(' · ')
      }
      sx={{ '& .MuiListItemText-root': { overflowWrap: 'anywhere' } }}
    />
  );
}
