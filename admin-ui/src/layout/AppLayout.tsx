import { type ReactNode, useEffect } from 'react';
import { Layout } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import { ElevationBanner } from '../resources/elevation/ElevationBanner';
import { ElevationAppBar } from '../resources/elevation/ElevationMenu';

/** The search box of the list on screen (react-admin's `q` filter), if there is one. */
function searchBox(): HTMLInputElement | null {
  return document.querySelector<HTMLInputElement>('input[name="q"]');
}

/** Whether a key press belongs to what the person is typing into. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

const SEARCH_WAIT_MS = 3000;

/**
 * `/` focuses the search box (as in GitHub or Gmail): the current list's, or, on a screen
 * without one, the people list's after going there. Ignored while typing and inside dialogs.
 */
function useSearchShortcut() {
  const navigate = useNavigate();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      if (typing(event.target) || document.querySelector('[role="dialog"]')) return;
      event.preventDefault();
      const box = searchBox();
      if (box) {
        box.focus();
        return;
      }
      navigate('/users');
      // The people list is a lazily loaded screen: focus its box once it is there.
      const started = performance.now();
      const wait = () => {
        const found = searchBox();
        if (found) found.focus();
        else if (performance.now() - started < SEARCH_WAIT_MS) requestAnimationFrame(wait);
      };
      requestAnimationFrame(wait);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navigate]);
}

/**
 * react-admin's layout with the console's keyboard shortcuts, «Запросить повышение прав» in the
 * user menu and the banner of a time-bound role in force (issue 18).
 */
export function AppLayout({ children }: { children: ReactNode }) {
  useSearchShortcut();
  return (
    <Layout appBar={ElevationAppBar}>
      <ElevationBanner />
      {children}
    </Layout>
  );
}
