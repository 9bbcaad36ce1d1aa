import TrendingUp from '@mui/icons-material/TrendingUp';
import { ListItemIcon, ListItemText, MenuItem } from '@mui/material';
import { forwardRef } from 'react';
import { AppBar, Logout, UserMenu, useTranslate, useUserMenu } from 'react-admin';
import { useNavigate } from 'react-router-dom';

/** «Запросить повышение прав» in the user menu: opens the request form. */
const RequestElevationItem = forwardRef<HTMLLIElement>(function RequestElevationItem(props, ref) {
  const translate = useTranslate();
  const navigate = useNavigate();
  const menu = useUserMenu();
  return (
    <MenuItem
      ref={ref}
      {...props}
      onClick={() => {
        menu?.onClose();
        navigate('/elevation-requests/create');
      }}
      data-testid="request-elevation"
    >
      <ListItemIcon>
        <TrendingUp fontSize="small" />
      </ListItemIcon>
      <ListItemText>{translate('elevation.request')}</ListItemText>
    </MenuItem>
  );
});

/** react-admin's app bar with «Запросить повышение прав» in the user menu. */
export function ElevationAppBar() {
  return (
    <AppBar
      userMenu={
        <UserMenu>
          <RequestElevationItem />
          <Logout />
        </UserMenu>
      }
    />
  );
}
