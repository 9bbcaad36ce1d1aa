import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asElevationRequest } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { ElevationRequest } from './entity.ts';
import { presentRequests } from './present.ts';
import type { ElevationRequestView } from './schemas.ts';

/** One elevation request, for whoever may read it (404 for anyone else, who learns nothing). */
export function readElevationRequest(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
): Promise<ElevationRequestView> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      const request = await em.findOne(ElevationRequest, { id });
      if (!request || !ability.can('read', asElevationRequest(request)))
        throw notFound('ElevationRequest');
      const [view] = await presentRequests(em, [request], services.now());
      return view as ElevationRequestView;
    },
    ability,
  );
}
