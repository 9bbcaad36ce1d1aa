import { beforeAll, describe, expect, it } from 'vitest';

/** admin-ui/src/api/paths.ts (loaded by a computed path, as test/i18n/dictionaries.ts explains). */
interface Paths {
  queryString(params: Readonly<Record<string, unknown>>): string;
  operationPath(
    template: string,
    params: Readonly<Record<string, string>> | undefined,
    query: Readonly<Record<string, unknown>> | undefined,
  ): string;
}

let paths: Paths;
beforeAll(async () => {
  const url = new URL('../admin-ui/src/api/paths.ts', import.meta.url).href;
  paths = (await import(/* @vite-ignore */ url)) as Paths;
});

describe('the console’s paths of the service’s operations (admin-ui/src/api/paths.ts)', () => {
  it('fills each parameter of the template as one encoded segment', () => {
    expect(
      paths.operationPath(
        '/users/{id}/grants/{grantId}/end',
        { id: 'a/b?c#d', grantId: 'с д' },
        undefined,
      ),
    ).toBe('/users/a%2Fb%3Fc%23d/grants/%D1%81%20%D0%B4/end');
  });

  it('refuses a parameter that is missing, empty or a dot segment a browser would resolve upwards', () => {
    for (const id of ['', '.', '..'])
      expect(() => paths.operationPath('/users/{id}/sessions', { id }, undefined)).toThrow(
        'path parameter id of /users/{id}/sessions is missing or not a segment',
      );
    expect(() => paths.operationPath('/users/{id}', {}, undefined)).toThrow('missing');
    expect(() => paths.operationPath('/users/{id}', undefined, undefined)).toThrow('missing');
  });

  it('appends the defined query values, encoded, and nothing for an empty query', () => {
    expect(
      paths.operationPath('/users', undefined, {
        q: 'Смирнова & Ко',
        limit: 1,
        exactTotal: 'true',
        status: '',
        role: undefined,
        spaceId: null,
      }),
    ).toBe(
      '/users?q=%D0%A1%D0%BC%D0%B8%D1%80%D0%BD%D0%BE%D0%B2%D0%B0+%26+%D0%9A%D0%BE&limit=1&exactTotal=true',
    );
    expect(paths.operationPath('/me', undefined, {})).toBe('/me');
    expect(paths.operationPath('/me', undefined, undefined)).toBe('/me');
    expect(paths.queryString({ format: 'csv', lang: 'ru' })).toBe('?format=csv&lang=ru');
  });
});
