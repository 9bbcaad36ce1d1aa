import AccountTree from '@mui/icons-material/AccountTree';
import AdminPanelSettings from '@mui/icons-material/AdminPanelSettings';
import Groups from '@mui/icons-material/Groups';
import People from '@mui/icons-material/People';
import ReceiptLong from '@mui/icons-material/ReceiptLong';
import Storage from '@mui/icons-material/Storage';
import SyncAlt from '@mui/icons-material/SyncAlt';

/** Menu icons per resource. */
export const resourceIcons = {
  users: People,
  backoffice: AdminPanelSettings,
  organizations: AccountTree,
  spaces: Groups,
  audit: ReceiptLong,
  sources: Storage,
  syncRuns: SyncAlt,
};
