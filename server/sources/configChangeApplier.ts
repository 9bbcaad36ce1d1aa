import type { ConfigApplier } from '../commands/configChanges/applier.ts';
import { openedPayload, sourceVersion } from './configChangePayload.ts';
import { applyDeleteSource } from './deleteSource.ts';
import type { CreateSourceBody, UpdateSourceBody } from './schemas.ts';
import { applyCreateSource, applyUpdateSource } from './sourceCommands.ts';

/**
 * Directory sources under dual control (issue 18, scope 3): an approved change is applied by the
 * same functions as `POST`, `PATCH` and `DELETE /directory-sources`, which validate it again
 * against the source as it is now.
 */
export const directorySourceApplier: ConfigApplier = {
  setting: 'directory_source',
  versionOf: sourceVersion,
  apply(ctx, change, note) {
    const body = openedPayload(ctx.services, change.targetId, change.payload);
    switch (change.operation) {
      case 'create':
        return applyCreateSource(ctx, body as CreateSourceBody, note);
      case 'update':
        return applyUpdateSource(ctx, change.targetId, body as UpdateSourceBody, note);
      case 'delete':
        return applyDeleteSource(ctx, change.targetId, note);
    }
  },
};
