import { defaultTheme, type RaThemeOptions } from 'react-admin';
import { i18nProvider } from './i18n/i18nProvider';

/** Below MUI's `sm` breakpoint: a phone. */
const PHONE = '@media (max-width: 599.95px)';

/** react-admin's default theme, slightly denser and with a calm palette. */
export const theme: RaThemeOptions = {
  ...defaultTheme,
  palette: { primary: { main: '#1f5fa8' }, secondary: { main: '#2f3e4e' } },
  components: {
    ...defaultTheme.components,
    MuiTextField: { defaultProps: { variant: 'outlined', size: 'small' } },
    // The filter form debounces typing on its own (500 ms by default, on top of the list's):
    // searches answer in tens of milliseconds, so wait only long enough to skip mid-word requests.
    RaFilterForm: { defaultProps: { debounce: 150 } },
    // A list's or card's toolbar wraps on a phone rather than pushing the page sideways.
    RaTopToolbar: { styleOverrides: { root: { flexWrap: 'wrap' } } },
    // On a phone the layout keeps the screen's width (react-admin sizes it to fit its content,
    // so that wide tables scroll the page on a desktop): a wide table scrolls inside its card.
    RaLayout: {
      styleOverrides: {
        root: {
          [PHONE]: { minWidth: 0, '& .RaLayout-content, & .RaShow-main': { minWidth: 0 } },
        },
      },
    },
    // A table too wide for the screen scrolls inside its own box, not the whole page.
    RaDatagrid: {
      styleOverrides: { root: { '& .RaDatagrid-tableWrapper': { overflowX: 'auto' } } },
    },
    // react-admin's Pagination on a phone passes MUI no labels for its arrows, which then read
    // «Go to previous page»: the same words as on a desktop, in the current language.
    MuiTablePagination: {
      defaultProps: {
        getItemAriaLabel: (type: string) => i18nProvider.translate(`ra.navigation.${type}`),
      },
    },
    // On a phone the language menu shows its globe only (its name stays the button's accessible
    // text): the full «РУССКИЙ» pushed the screen's title out of the top bar.
    RaLocalesMenuButton: {
      styleOverrides: {
        root: { [PHONE]: { '& .MuiButton-root': { fontSize: 0, minWidth: 0 } } },
      },
    },
    // The page numbers' <nav> is labelled «pagination navigation» by MUI; a getter, because MUI
    // reads default props at each render and the language can change in between.
    MuiPagination: {
      defaultProps: {
        get 'aria-label'() {
          return i18nProvider.translate('app.pagination_navigation');
        },
      },
    },
  },
};
