import MoreVert from '@mui/icons-material/MoreVert';
import { Box, Button, ClickAwayListener, type Theme, useMediaQuery } from '@mui/material';
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
 * button that opens the same buttons stacked in a panel below it. The switch is CSS only: the
 * buttons stay mounted in one place whatever the width, so a button's open dialog (a portal of
 * its own) never loses its state when the width changes or the panel closes.
 */
export function ActionsToolbar({ label, children }: { label?: string; children: ReactNode }) {
  const translate = useTranslate();
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <TopToolbar sx={{ flexWrap: 'wrap' }}>
      <ClickAwayListener onClickAway={() => setOpen(false)}>
        <Box sx={{ display: { xs: 'block', sm: 'contents' }, position: 'relative' }}>
          <Button
            variant="outlined"
            size="small"
            startIcon={<MoreVert />}
            aria-haspopup="true"
            aria-expanded={open}
            aria-controls={id}
            aria-label={label}
            data-testid="card-actions-button"
            onClick={() => setOpen(!open)}
            sx={{ display: { xs: 'inline-flex', sm: 'none' } }}
          >
            {translate('app.layout.actions')}
          </Button>
          <Box
            id={id}
            data-testid="card-actions-menu"
            // A chosen action closes the panel; its dialog lives on in its own portal.
            onClick={() => setOpen(false)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') setOpen(false);
            }}
            sx={{
              display: { xs: open ? 'flex' : 'none', sm: 'contents' },
              flexDirection: 'column',
              alignItems: 'stretch',
              position: { xs: 'absolute', sm: 'static' },
              top: '100%',
              right: 0,
              zIndex: (theme) => theme.zIndex.appBar - 1,
              maxWidth: 'calc(100vw - 32px)',
              p: { xs: 1, sm: 0 },
              bgcolor: 'background.paper',
              borderRadius: 1,
              boxShadow: { xs: 8, sm: 0 },
              '& .MuiButton-root': { justifyContent: { xs: 'flex-start', sm: 'center' } },
              // Groups of buttons (the invitation's state and its actions) wrap inside the panel.
              '& > .MuiBox-root': { flexWrap: 'wrap' },
              // react-admin shows its buttons as bare icons on a phone (the label in a tooltip);
              // in this panel each one also shows its label, taken from its accessible name.
              '& .MuiIconButton-root': {
                justifyContent: 'flex-start',
                gap: 1,
                borderRadius: 1,
                color: 'primary.main',
              },
              '& .MuiIconButton-root::after': {
                content: 'attr(aria-label)',
                fontSize: '0.875rem',
                fontWeight: 500,
                textAlign: 'left',
              },
            }}
          >
            {children}
          </Box>
        </Box>
      </ClickAwayListener>
    </TopToolbar>
  );
}
