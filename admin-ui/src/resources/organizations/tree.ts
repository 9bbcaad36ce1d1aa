import type { OrganizationRecord } from '../../api/types';

/** An organization with its children, for the tree view. */
export interface TreeNode {
  org: OrganizationRecord;
  children: TreeNode[];
}

/** Builds the forest from flat nodes, siblings sorted by `compare` (a locale collator). */
export function buildTree(
  rows: readonly OrganizationRecord[],
  compare: (a: string, b: string) => number,
): TreeNode[] {
  const nodes = new Map(rows.map((org) => [org.id, { org, children: [] as TreeNode[] }]));
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.org.parentId ? nodes.get(node.org.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: TreeNode[]) => {
    list.sort((a, b) => compare(a.org.name, b.org.name));
    for (const node of list) sort(node.children);
  };
  sort(roots);
  return roots;
}
