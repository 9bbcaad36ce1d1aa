import MoreVert from '@mui/icons-material/MoreVert';
import { Box, Button, Popover, type Theme, useMediaQuery } from '@mui/material';
import { type ReactNode, useId, useState } from 'react';
import { List, type ListProps, TopToolbar, useTranslate } from 'react-admin';

/** Whether the screen is phone-sized (below MUI's `sm`, 600 px). */
export function useSmallScreen(): boolean {
  return useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'));
}

/** Props of {@link ResponsiveList}: a react-admin List with a card view for phones. */
export interface ResponsiveListProps extends ListProps {
  /** What a phone shows instead of the table (a SimpleList, usually). */
  cards: ReactNode;
}

/**
 * A react-admin List that renders its table on wide screens and `cards` on a phone, where a
 * table of many columns could only overflow the page (react-admin's SimpleList pattern). An
 * `aside` moves below the list on a phone, where there is no room beside it.
 */
export function ResponsiveList({ cards, children, aside, ...props }: ResponsiveListProps) {
  const small = useSmallScreen();
  if (!small)
    return (
      <List {...props} aside={aside}>
        {children}
      </List>
    );
  return (
    <>
      <List {...props}>{cards}</List>
      {aside && <Box sx={{ mt: 2 }}>{aside}</Box>}
    </>
  );
}

/**
 * The toolbar of a card's actions: a row of buttons on wide screens; on a phone one «Actions»
 * button opening the same buttons stacked in a popover. The popover's content stays mounted, so
 * a button's dialog (a portal of its own) survives the popover closing on the click that opened it.
 */
export function ActionsToolbar({ label, children }: { label?: string; children: ReactNode }) {
  const small = useSmallScreen();
  const translate = useTranslate();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const id = useId();
  if (!small) return <TopToolbar sx={{ flexWrap: 'wrap' }}>{children}</TopToolbar>;
  return (
    <TopToolbar>
      <Button
        variant="outlined"
        size="small"
        startIcon={<MoreVert />}
        aria-haspopup="true"
        aria-expanded={anchor !== null}
        aria-controls={id}
        aria-label={label}
        data-testid="card-actions-button"
        onClick={(event) => setAnchor(event.currentTarget)}
      >
        {translate('app.layout.actions')}
      </Button>
      <Popover
        id={id}
        open={anchor !== null}
        anchorEl={anchor}
        onClose={() => setAnchor(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}
        transformOrigin={{ vertical: 'top', horizontal: 'right' }}
        keepMounted
      >
        <Box
          data-testid="card-actions-menu"
          onClick={() => setAnchor(null)}
          sx={{
            display: 'flex',
            flexDirection: 'column',
            alignItems: 'stretch',
            p: 1,
            maxWidth: 'calc(100vw - 32px)',
            '& .MuiButton-root': { justifyContent: 'flex-start' },
          }}
        >
          {children}
        </Box>
      </Popover>
    </TopToolbar>
  );
}
