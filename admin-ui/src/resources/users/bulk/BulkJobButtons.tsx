import MoreHoriz from '@mui/icons-material/MoreHoriz';
import { Menu, MenuItem } from '@mui/material';
import { useState } from 'react';
import { Button, useCanAccess, useRefresh, useTranslate, useUnselectAll } from 'react-admin';
import type { BulkVerb } from '../../bulkJobs/types';
import { BulkJobDialog } from './BulkJobDialog';
import { useListFilter, useMatchingCount } from './selection';

/** The verbs the signed-in person may start, by the server's rules (/me). */
function useAllowedVerbs(): BulkVerb[] {
  const deactivate = useCanAccess({ action: 'deactivate', resource: 'users' }).canAccess;
  const suspend = useCanAccess({ action: 'suspend', resource: 'users' }).canAccess;
  const activate = useCanAccess({ action: 'activate', resource: 'users' }).canAccess;
  const invite = useCanAccess({ action: 'invite', resource: 'users' }).canAccess;
  const move = useCanAccess({ action: 'edit', resource: 'users' }).canAccess;
  const members = useCanAccess({ action: 'edit', resource: 'space-members' }).canAccess;
  const verbs: [BulkVerb, boolean | undefined][] = [
    ['deactivate', deactivate],
    ['suspend', suspend],
    ['activate', activate],
    ['invite', invite],
    ['move', move],
    ['add_to_space', members],
    ['remove_from_space', members],
  ];
  return verbs.filter(([, allowed]) => allowed === true).map(([verb]) => verb);
}

/**
 * The bulk actions once "all matching" is selected: a menu of every verb the rules allow, each
 * starting one background job over the list's filter (never a list of ids).
 */
export function BulkJobButtons() {
  const translate = useTranslate();
  const verbs = useAllowedVerbs();
  const filter = useListFilter();
  const matching = useMatchingCount();
  const refresh = useRefresh();
  const unselectAll = useUnselectAll('users');
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [verb, setVerb] = useState<BulkVerb | null>(null);
  if (verbs.length === 0) return null;
  return (
    <>
      <Button
        label="bulkjob.menu"
        onClick={(event) => setAnchor(event.currentTarget)}
        data-testid="bulk-job-menu"
      >
        <MoreHoriz />
      </Button>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        {verbs.map((one) => (
          <MenuItem
            key={one}
            data-testid={`bulk-job-verb-${one}`}
            onClick={() => {
              setAnchor(null);
              setVerb(one);
            }}
          >
            {translate(`bulkjob.verb.${one}`)}
          </MenuItem>
        ))}
      </Menu>
      {verb && (
        <BulkJobDialog
          verb={verb}
          filter={filter}
          matching={matching}
          onClose={(finished) => {
            setVerb(null);
            if (finished) {
              unselectAll();
              refresh();
            }
          }}
        />
      )}
    </>
  );
}
