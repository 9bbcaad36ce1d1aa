import { useDataProvider } from 'react-admin';
import type { AppDataProvider } from './providers/dataProvider';

/** The app's data provider with its custom methods, typed. */
export function useAppDataProvider(): AppDataProvider {
  return useDataProvider<AppDataProvider>();
}
