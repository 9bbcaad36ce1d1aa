import AccountTree from '@mui/icons-material/AccountTree';
import AdminPanelSettings from '@mui/icons-material/AdminPanelSettings';
import EventNote from '@mui/icons-material/EventNote';
import FactCheck from '@mui/icons-material/FactCheck';
import Groups from '@mui/icons-material/Groups';
import Key from '@mui/icons-material/Key';
import Mail from '@mui/icons-material/Mail';
import ManageSearch from '@mui/icons-material/ManageSearch';
import People from '@mui/icons-material/People';
import PlaylistPlay from '@mui/icons-material/PlaylistPlay';
import ReceiptLong from '@mui/icons-material/ReceiptLong';
import Storage from '@mui/icons-material/Storage';
import SupervisorAccount from '@mui/icons-material/SupervisorAccount';
import SyncAlt from '@mui/icons-material/SyncAlt';
import TaskAlt from '@mui/icons-material/TaskAlt';
import TrendingUp from '@mui/icons-material/TrendingUp';
import UploadFile from '@mui/icons-material/UploadFile';

/** Menu icons per resource. */
export const resourceIcons = {
  users: People,
  backoffice: AdminPanelSettings,
  organizations: AccountTree,
  spaces: Groups,
  audit: ReceiptLong,
  sources: Storage,
  syncRuns: SyncAlt,
  imports: UploadFile,
  scheduledChanges: EventNote,
  scimTokens: Key,
  mail: Mail,
  bulkJobs: PlaylistPlay,
  configChanges: SupervisorAccount,
  elevation: TrendingUp,
  access: ManageSearch,
  reviewCampaigns: FactCheck,
  myReviews: TaskAlt,
};
