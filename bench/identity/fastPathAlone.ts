/**
 * The introspection benchmark's third contender (issue 17, scope 4): the service's own fast path
 * (`server/routes/introspectFastPath.ts`, with every check it makes: the core key, the body's
 * schema, the input boundary, the request id, the security headers) in a bare process with only
 * what it needs: the configuration, a `pg` pool of the service's size (4) and a logger. No ORM,
 * no workers, no Koa. Set beside the floor and the service, it splits their gap in two: what the
 * service's checks cost, and what the rest of the service's process costs the same requests.
 * `node --import tsx bench/identity/fastPathAlone.ts` with the service's environment
 * (DATABASE_URL, SECRET_KEY, CORE_API_KEYS); prints `listening <port>`.
 */
import { createServer } from 'node:http';
import pg from 'pg';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { withIntrospectionFastPath } from '../../server/routes/introspectFastPath.ts';
import { serveContender } from './listen.ts';

const config = loadConfig();
if (!config.database.url)
  throw new Error('fastPathAlone needs DATABASE_URL: the benchmark database');
const pool = new pg.Pool({ connectionString: config.database.url, max: 4 });
const logger = createLogger('warn');
const server = createServer(
  withIntrospectionFastPath(
    { config, pool, logger, now: () => new Date() },
    { hsts: false },
    // Every benchmark request is well-formed and keyed; one that is not is the benchmark's bug.
    (_request, response) => {
      response.writeHead(500);
      response.end();
    },
  ),
);
server.keepAliveTimeout = 65_000;
serveContender(server, pool);
