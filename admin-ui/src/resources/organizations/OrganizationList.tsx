import ChevronRight from '@mui/icons-material/ChevronRight';
import ExpandMore from '@mui/icons-material/ExpandMore';
import { Box, IconButton, LinearProgress, Typography } from '@mui/material';
import { useState } from 'react';
import {
  CreateButton,
  EditButton,
  List,
  TopToolbar,
  useCanAccess,
  useListContext,
  useTranslate,
} from 'react-admin';
import { Link } from 'react-router-dom';
import type { OrganizationRecord } from '../../api/types';
import { useFormat } from '../../format';
import { buildTree, type TreeNode } from './tree';

function Node({ node, depth, canEdit }: { node: TreeNode; depth: number; canEdit: boolean }) {
  const translate = useTranslate();
  const { number } = useFormat();
  const [open, setOpen] = useState(depth < 1);
  const { org, children } = node;
  const users = `/users?filter=${encodeURIComponent(JSON.stringify({ organizationId: org.id }))}`;
  return (
    <Box component="li" sx={{ listStyle: 'none' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, pl: depth * 3, py: 0.25 }}>
        {children.length > 0 ? (
          <IconButton
            size="small"
            aria-expanded={open}
            aria-label={translate(open ? 'app.tree.collapse' : 'app.tree.expand')}
            onClick={() => setOpen(!open)}
          >
            {open ? <ExpandMore /> : <ChevronRight />}
          </IconButton>
        ) : (
          <Box sx={{ width: 34 }} />
        )}
        <Typography sx={{ fontWeight: depth === 0 ? 600 : 400 }}>{org.name}</Typography>
        <Typography variant="caption" color="text.secondary">
          {translate(`app.kind.${org.kind}`)} ·{' '}
          <Link to={users}>
            {translate('app.count.people', {
              smart_count: org.memberCount,
              count: number(org.memberCount),
            })}
          </Link>
        </Typography>
        {canEdit && <EditButton record={org} resource="organizations" size="small" label="" />}
      </Box>
      {open && children.length > 0 && (
        <Box component="ul" sx={{ m: 0, p: 0 }}>
          {children.map((child) => (
            <Node key={child.org.id} node={child} depth={depth + 1} canEdit={canEdit} />
          ))}
        </Box>
      )}
    </Box>
  );
}

function Tree() {
  const { data, isPending } = useListContext<OrganizationRecord>();
  const { compare } = useFormat();
  const translate = useTranslate();
  const { canAccess: canEdit } = useCanAccess({ action: 'edit', resource: 'organizations' });
  if (isPending) return <LinearProgress />;
  const roots = buildTree(data ?? [], compare);
  if (roots.length === 0)
    return <Typography sx={{ p: 2 }}>{translate('app.tree.empty')}</Typography>;
  return (
    <Box component="ul" role="tree" sx={{ m: 0, p: 2 }} data-testid="org-tree">
      {roots.map((node) => (
        <Node key={node.org.id} node={node} depth={0} canEdit={canEdit ?? false} />
      ))}
    </Box>
  );
}

/** Organizations as a tree (departments and projects), siblings sorted for the locale. */
export default function OrganizationList() {
  const { canAccess: canCreate } = useCanAccess({ action: 'create', resource: 'organizations' });
  return (
    <List
      filter={{ tree: 'true' }}
      perPage={200}
      pagination={false}
      exporter={false}
      actions={<TopToolbar>{canCreate && <CreateButton />}</TopToolbar>}
    >
      <Tree />
    </List>
  );
}
