import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import {
  chmod,
  cp,
  lstat,
  mkdtemp,
  readFile,
  rename,
  rm,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Attribute, Change, Client } from 'ldapts';
import { dateToFiletime } from '../../server/identity/ldap/accountState.ts';
import { escapeFilterValue } from '../../server/identity/ldap/filter.ts';
import { DIRECTORY_REQUEST_MS, SAMBA_READY_MS, SAMBA_STOP_MS } from './timeouts.ts';

/**
 * A throw-away Samba 4 Active Directory domain controller for tests.
 *
 * Each DC listens on its own loopback address (127.0.0.10 … 127.0.0.250, all of 127/8 is
 * loopback on Linux), so test files running in parallel never collide on 389/636/88. The address
 * is claimed with an exclusive lock file `os.tmpdir()/frisbee-samba-<address>.lock` (created with
 * `wx`, holding the owner's pid and the DC folder); a lock whose owner process is gone is taken
 * over, and the orphaned DC it names is stopped first. Start one DC per test file (beforeAll,
 * ~6 s) and `close()` it in afterAll.
 */

const run = promisify(execFile);

const REALM = 'CORP.EXAMPLE.TEST';
const DOMAIN = 'CORP';
const BASE_DN = 'DC=corp,DC=example,DC=test';
const SAMBA_TOOL = '/usr/bin/samba-tool';
const SAMBA = '/usr/sbin/samba';
const OPENSSL = '/usr/bin/openssl';

/** Why a Samba DC cannot be started here, or null when it can. */
export const sambaMissing: string | null =
  [SAMBA_TOOL, SAMBA, OPENSSL]
    .filter((path) => !existsSync(path))
    .map((path) => `${path} not found`)
    .join('; ') || null;

/**
 * Whether the Samba suites run. On CI (`CI` set) a missing Samba is an error, thrown at import;
 * elsewhere the suite is skipped with a loud message (install: see docs/ldap.md).
 */
export const sambaAvailable: boolean = (() => {
  if (!sambaMissing) return true;
  const message = `Samba AD DC tests cannot run: ${sambaMissing}. Install: apt-get install -y --no-install-recommends samba samba-ad-dc samba-ad-provision winbind ldb-tools samba-dsdb-modules`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n!!!!! SKIPPING: ${message}\n`);
  return false;
})();

/** Attributes tests set on AD people (single-valued text). */
export type PersonAttributes = Partial<
  Record<
    | 'givenName'
    | 'sn'
    | 'displayName'
    | 'mail'
    | 'telephoneNumber'
    | 'mobile'
    | 'department'
    | 'company'
    | 'title'
    | 'employeeID'
    | 'middleName',
    string
  >
>;

/** A running (or stopped) throw-away DC. */
export interface SambaDc {
  /** The loopback address it listens on. */
  readonly address: string;
  /** `ldap://<address>` (plain simple binds are allowed on this DC). */
  readonly url: string;
  /** `ldaps://<address>`; its certificate names the address and is its own CA ({@link caFile}). */
  readonly ldapsUrl: string;
  readonly caFile: string;
  readonly baseDn: string;
  readonly realm: string;
  readonly adminDn: string;
  readonly adminPassword: string;
  /** The DC's folder (provision, config, logs). */
  readonly dir: string;
  /** Starts samba (after stop) and waits until LDAP answers. */
  start(): Promise<void>;
  /** Stops samba by pid and waits until it is gone. */
  stop(): Promise<void>;
  /** Stops samba, removes its folder and releases the address. Safe to call twice. */
  close(): Promise<void>;
  /** Runs `samba-tool` on the DC's own database (fast: no network). */
  tool(...args: string[]): Promise<string>;
  /** Adds a person (CN = "given sn" when both are given) and sets further attributes. */
  addUser(name: string, password: string, attributes?: PersonAttributes): Promise<string>;
  disableUser(name: string): Promise<void>;
  enableUser(name: string): Promise<void>;
  deleteUser(name: string): Promise<void>;
  /** Sets `accountExpires` (default: a day ago; null: never expires). */
  expireUser(name: string, at?: Date | null): Promise<void>;
  /** Replaces attributes of a person. */
  setAttributes(name: string, attributes: PersonAttributes): Promise<void>;
  addGroup(name: string): Promise<void>;
  addGroupMembers(group: string, members: string[]): Promise<void>;
  /** The DN of a person or group by sAMAccountName. */
  dnOf(name: string): Promise<string>;
  /** Runs `fn` with a client bound as Administrator (closed afterwards). */
  asAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T>;
}

const LOCK_PREFIX = 'frisbee-samba-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function isSamba(pid: number): boolean {
  try {
    // samba rewrites its title ("samba: root process"), so match the start of the command line.
    return /^(\/usr\/sbin\/)?samba\b/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

function sambaPid(dir: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(join(dir, 'run', 'samba.pid'), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Signals samba: it leads its own process group (pgid = the pid in samba.pid), so the group is
 * signalled and no prefork worker survives holding the ports. Falls back to the single process.
 */
function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, sig);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EPERM') return true;
    }
  }
  return false;
}

/** SIGTERM to samba's group, wait until every process of it is gone; SIGKILL if it is not. */
async function stopSamba(pid: number): Promise<void> {
  if (!signal(pid, 'SIGTERM')) return;
  try {
    await waitFor(`samba ${pid} to stop`, SAMBA_STOP_MS, async () => !signal(pid, 0));
  } catch {
    signal(pid, 'SIGKILL');
    await waitFor(`samba ${pid} to die`, SAMBA_STOP_MS, async () => !signal(pid, 0));
  }
}

/** Whether pid (or its process group) is still a samba of ours, not a reused pid. */
function ownSamba(pid: number): boolean {
  return isSamba(pid) || (!alive(pid) && signal(pid, 0));
}

/** Stops an orphaned DC left by a dead owner (by its samba.pid) and removes its folder. */
async function reapOrphan(dir: string | undefined): Promise<void> {
  if (!dir?.startsWith(join(tmpdir(), 'frisbee-samba-dc-'))) return;
  const pid = sambaPid(dir);
  if (pid && ownSamba(pid)) await stopSamba(pid);
  await rm(dir, { recursive: true, force: true, maxRetries: 5 }).catch(() => undefined);
}

/** True when nothing listens on address:389 (we can bind it ourselves). */
async function portFree(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(389, address, () => server.close(() => resolve(true)));
  });
}

/** Claims a free loopback address with an exclusive lock file; returns it and the lock path. */
async function claimAddress(dir: string): Promise<{ address: string; lock: string }> {
  for (let octet = 10; octet <= 250; octet += 1) {
    const address = `127.0.0.${octet}`;
    const lock = join(tmpdir(), `${LOCK_PREFIX}${address}.lock`);
    try {
      const fd = openSync(lock, 'wx');
      writeFileSync(fd, JSON.stringify({ pid: process.pid, dir }));
      closeSync(fd);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const stale = readText(lock);
      let owner: { pid?: number; dir?: string } = {};
      try {
        owner = JSON.parse(stale ?? '') as typeof owner;
      } catch {
        continue; // being written right now by its owner
      }
      if (owner.pid && alive(owner.pid)) continue;
      await reapOrphan(owner.dir);
      // Another claimer may have reaped it too and locked the address anew: remove only the
      // stale lock (read and unlink run synchronously, back to back).
      if (readText(lock) === stale) rmSync(lock, { force: true });
      octet -= 1; // retry the same address
      continue;
    }
    if (await portFree(address)) return { address, lock };
    await unlink(lock); // something else (not ours) listens there
  }
  throw new Error('no free loopback address for a Samba DC (127.0.0.10-250 all taken)');
}

async function setOption(confPath: string, options: Record<string, string>): Promise<void> {
  let text = await readFile(confPath, 'utf8');
  for (const [name, value] of Object.entries(options)) {
    const line = `\t${name} = ${value}\n`;
    const existing = new RegExp(`^\\s*${name.replaceAll(' ', '\\s+')}\\s*=.*\\n`, 'm');
    text = existing.test(text)
      ? text.replace(existing, line)
      : text.replace('[global]\n', `[global]\n${line}`);
  }
  await writeFile(confPath, text);
}

async function waitFor(what: string, deadlineMs: number, probe: () => Promise<boolean>) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every DC this process started, killed synchronously if the process exits without close(). */
const running = new Set<() => void>();
process.once('exit', () => {
  for (const kill of running) kill();
});

/** What a DC template folder holds besides the copied DC folder (`dc/`). */
interface TemplateInfo {
  /** The folder the DC ran in when it was saved (smb.conf names it in its paths). */
  dir: string;
  adminPassword: string;
}

const TEMPLATE_INFO = 'frisbee-template.json';

/**
 * Provisions a fresh domain in a temp folder (or copies a saved one: `template`, see
 * {@link buildSambaTemplate}), starts it on its own loopback address.
 */
export async function startSambaDc(options: { template?: string } = {}): Promise<SambaDc> {
  if (sambaMissing) throw new Error(`Samba is not installed: ${sambaMissing}`);
  const dir = await mkdtemp(join(tmpdir(), 'frisbee-samba-dc-'));
  const { address, lock } = await claimAddress(dir);
  const template = options.template
    ? (JSON.parse(await readFile(join(options.template, TEMPLATE_INFO), 'utf8')) as TemplateInfo)
    : null;
  const adminPassword = template?.adminPassword ?? `Adm1n-${randomBytes(9).toString('base64url')}`;
  const conf = join(dir, 'etc', 'smb.conf');
  const caFile = join(dir, 'tls', 'cert.pem');
  let child: ChildProcess | null = null;
  let closed = false;

  /** For the exit hook: synchronous, so only a signal; a later claimer reaps the folder. */
  const killNow = () => {
    for (const pid of [sambaPid(dir), child?.pid ?? null])
      if (pid !== null && ownSamba(pid)) signal(pid, 'SIGTERM');
  };

  const tool = async (...args: string[]) => {
    const { stdout } = await run(SAMBA_TOOL, [...args, '-s', conf], { maxBuffer: 16 << 20 });
    return stdout;
  };

  const stop = async () => {
    const pids = new Set([sambaPid(dir), child?.pid ?? null]);
    for (const pid of pids) if (pid !== null && ownSamba(pid)) await stopSamba(pid);
    await waitFor('port 389 to be free', SAMBA_STOP_MS, () => portFree(address));
    rmSync(join(dir, 'run', 'samba.pid'), { force: true });
    child = null;
    running.delete(killNow);
  };

  const asAdmin = async <T>(fn: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({
      url: `ldap://${address}`,
      timeout: DIRECTORY_REQUEST_MS,
      connectTimeout: DIRECTORY_REQUEST_MS,
    });
    try {
      await client.bind(`CN=Administrator,CN=Users,${BASE_DN}`, adminPassword);
      return await fn(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };

  const start = async () => {
    const log = openSync(join(dir, 'samba.out'), 'a');
    child = spawn(SAMBA, ['-i', '-s', conf], { stdio: ['ignore', log, log] });
    closeSync(log);
    running.add(killNow);
    const launched = child;
    try {
      await waitFor('Samba LDAP to answer', SAMBA_READY_MS, async () => {
        if (launched.exitCode !== null)
          throw new Error(
            `samba exited with ${launched.exitCode}: ${tail(join(dir, 'samba.out'))}`,
          );
        return asAdmin(async () => true).catch(() => false);
      });
    } catch (error) {
      await stop();
      throw error;
    }
  };

  const dnOf = async (name: string) =>
    asAdmin(async (client) => {
      const { searchEntries } = await client.search(BASE_DN, {
        filter: `(sAMAccountName=${escapeFilterValue(name)})`,
        attributes: ['1.1'],
      });
      const entry = searchEntries[0];
      if (!entry) throw new Error(`no AD entry for ${name}`);
      return entry.dn;
    });

  const setAttributes = async (name: string, attributes: PersonAttributes) => {
    const dn = await dnOf(name);
    const changes = Object.entries(attributes).map(
      ([type, value]) =>
        new Change({
          operation: 'replace',
          modification: new Attribute({ type, values: [value] }),
        }),
    );
    if (changes.length > 0) await asAdmin((client) => client.modify(dn, changes));
  };

  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
      await unlink(lock).catch(() => undefined);
    }
  };

  try {
    if (template && options.template) {
      // A copy of a saved DC: only smb.conf names its folder (checked with grep over the tree).
      await cp(join(options.template, 'dc'), dir, { recursive: true });
      await writeFile(conf, (await readFile(conf, 'utf8')).replaceAll(template.dir, dir));
      rmSync(join(dir, 'run'), { recursive: true, force: true });
    } else
      await run(
        SAMBA_TOOL,
        [
          'domain',
          'provision',
          `--realm=${REALM}`,
          `--domain=${DOMAIN}`,
          '--server-role=dc',
          '--dns-backend=NONE',
          '--use-rfc2307',
          `--adminpass=${adminPassword}`,
          `--targetdir=${dir}`,
          '--option=interfaces=lo',
          '--option=bind interfaces only=yes',
        ],
        { maxBuffer: 16 << 20 },
      );
    mkdirSync(join(dir, 'run'), { recursive: true });
    mkdirSync(join(dir, 'log'), { recursive: true });
    mkdirSync(join(dir, 'tls'), { recursive: true });
    // Our own certificate naming the address, so clients can verify it (Samba's own names the host).
    await run(OPENSSL, [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=Frisbee test DC',
      '-addext',
      `subjectAltName=IP:${address},DNS:localhost`,
      '-keyout',
      join(dir, 'tls', 'key.pem'),
      '-out',
      caFile,
    ]);
    await chmod(join(dir, 'tls', 'key.pem'), 0o600); // samba refuses a key others can read
    await setOption(conf, {
      // "127.0.0.N" alone finds no interface (only 127.0.0.1 is configured on lo); with a mask
      // Samba binds exactly that address.
      interfaces: `${address}/8`,
      'bind interfaces only': 'yes',
      'server services': 'ldap, cldap, kdc, rpc, drepl, kcc',
      'pid directory': join(dir, 'run'),
      'ncalrpc dir': join(dir, 'run', 'ncalrpc'),
      'log file': join(dir, 'log', 'log.%m'),
      // Tests use plain ldap:// simple binds; production directories must not.
      'ldap server require strong auth': 'no',
      'tls enabled': 'yes',
      'tls keyfile': join(dir, 'tls', 'key.pem'),
      'tls certfile': caFile,
      'tls cafile': caFile,
    });
    await start();
  } catch (error) {
    await close();
    throw error;
  }

  return {
    address,
    url: `ldap://${address}`,
    ldapsUrl: `ldaps://${address}`,
    caFile,
    baseDn: BASE_DN,
    realm: REALM,
    adminDn: `CN=Administrator,CN=Users,${BASE_DN}`,
    adminPassword,
    dir,
    start,
    stop,
    close,
    tool,
    asAdmin,
    dnOf,
    setAttributes,
    async addUser(name, password, attributes = {}) {
      const names: string[] = [];
      if (attributes.givenName) names.push(`--given-name=${attributes.givenName}`);
      if (attributes.sn) names.push(`--surname=${attributes.sn}`);
      await tool('user', 'add', name, password, ...names);
      const { givenName: _g, sn: _s, ...rest } = attributes;
      await setAttributes(name, rest);
      return dnOf(name);
    },
    async disableUser(name) {
      await tool('user', 'disable', name);
    },
    async enableUser(name) {
      await tool('user', 'enable', name);
    },
    async deleteUser(name) {
      await tool('user', 'delete', name);
    },
    async expireUser(name, at: Date | null = new Date(Date.now() - 86_400_000)) {
      const dn = await dnOf(name);
      await asAdmin((client) =>
        client.modify(
          dn,
          new Change({
            operation: 'replace',
            modification: new Attribute({
              type: 'accountExpires',
              values: [at ? dateToFiletime(at) : '0'],
            }),
          }),
        ),
      );
    },
    async addGroup(name) {
      await tool('group', 'add', name);
    },
    async addGroupMembers(group, members) {
      await tool('group', 'addmembers', group, members.join(','));
    },
  };
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no output)';
  }
}

/**
 * A saved DC folder to start copies of (`startSambaDc({ template: folder })`, ~2 s instead of
 * provisioning and filling it again). Built once: when `folder` holds no template, a DC is
 * provisioned, `populate` fills it, and the stopped DC's folder is saved under `folder/dc`.
 */
export async function buildSambaTemplate(
  folder: string,
  populate: (dc: SambaDc) => Promise<void>,
): Promise<string> {
  if (existsSync(join(folder, TEMPLATE_INFO))) return folder;
  const dc = await startSambaDc();
  try {
    await populate(dc);
    await dc.stop();
    const partial = `${folder}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    // Sockets (msg.sock) and pid files belong to the stopped process, not to the directory.
    await cp(dc.dir, join(partial, 'dc'), {
      recursive: true,
      filter: async (path) =>
        !/\/(msg\.sock|run|samba\.out)(\/|$)/.test(path.slice(dc.dir.length)) &&
        !(await lstat(path)).isSocket(), // e.g. private/ldapi
    });
    const info: TemplateInfo = { dir: dc.dir, adminPassword: dc.adminPassword };
    await writeFile(join(partial, TEMPLATE_INFO), JSON.stringify(info));
    // Whole or nothing: a build that dies halfway leaves no template that looks complete.
    await rm(folder, { recursive: true, force: true });
    mkdirSync(join(folder, '..'), { recursive: true });
    await rename(partial, folder);
  } finally {
    await dc.close();
  }
  return folder;
}
