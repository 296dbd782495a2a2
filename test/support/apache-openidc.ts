import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const APACHE = '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';
const INSTALL = 'apt-get install -y apache2 libapache2-mod-auth-openidc';

/** The page the rig protects: the claims mod_auth_openidc hands to a CGI program, one `NAME=value` a line. */
const CLAIMS_CGI = `#!/bin/sh
printf 'Content-Type: text/plain\\r\\n\\r\\n'
env | grep -E '^(OIDC_CLAIM_[a-z_]+|REMOTE_USER)=' | sort
`;

export interface ApacheClient {
  /** The provider's discovery document (mod_auth_openidc reads every endpoint from it). */
  metadataUrl: string;
  clientId: string;
  clientSecret: string;
  /** host:port of a forward proxy for mod_auth_openidc's own requests (test/support/host-proxy.ts). */
  outgoingProxy: string;
}

/**
 * Apache httpd with Debian's mod_auth_openidc protecting /protected/, from a configuration of its own in a
 * temporary folder (its own ServerRoot, loopback port, modules loaded from Debian's folder), run in the
 * foreground as a child of the test. /protected/claims is a CGI that prints the claims. A missing apache2 or
 * module is an error, never a skip: `.ci/run` installs both.
 */
export class ApacheOpenIdc {
  readonly dir = mkdtempSync(join(tmpdir(), 'aegis-apache-'));
  private process?: ChildProcess;

  /** `host` is the name browsers use for it; it listens on 127.0.0.1:`port`. */
  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  get base(): string {
    return `http://${this.host}:${this.port}`;
  }
  /** Where the provider sends the browser back (inside the protected path, as the module requires). */
  get redirectUri(): string {
    return `${this.base}/protected/redirect_uri`;
  }
  /** The module's back-channel logout endpoint, as Aegis reaches it (no DNS on the Aegis side). */
  get backchannelLogoutUri(): string {
    return `http://127.0.0.1:${this.port}/protected/redirect_uri?logout=backchannel`;
  }

  async start(client: ApacheClient): Promise<void> {
    for (const file of [APACHE, `${MODULES}/mod_auth_openidc.so`, `${MODULES}/mod_cgi.so`])
      if (!existsSync(file)) throw new Error(`${file} is missing: ${INSTALL}`);
    // Started as root, Apache serves as nobody: the folder must be readable by it.
    chmodSync(this.dir, 0o755);
    writeFileSync(join(this.dir, 'claims.cgi'), CLAIMS_CGI, { mode: 0o755 });
    const conf = join(this.dir, 'httpd.conf');
    writeFileSync(conf, this.config(client));
    // A process group of its own: Apache's prefork MPM signals its whole group when it stops, test runner included.
    this.process = spawn(APACHE, ['-f', conf, '-DFOREGROUND'], { stdio: 'ignore', detached: true });
    const exited = new Promise<never>((_, reject) =>
      this.process!.once('exit', (code) =>
        reject(new Error(`apache2 exited (${code}):\n${this.errorLog()}`)),
      ),
    );
    await Promise.race([this.listening(), exited]);
  }

  async stop(): Promise<void> {
    const running = this.process;
    if (running && running.exitCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  errorLog(): string {
    const file = join(this.dir, 'error.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  private config(client: ApacheClient): string {
    const runAs = process.getuid?.() === 0 ? ['User nobody', 'Group nogroup'] : [];
    const modules = [
      ['mpm_prefork_module', 'mod_mpm_prefork.so'],
      ['authn_core_module', 'mod_authn_core.so'],
      ['authz_core_module', 'mod_authz_core.so'],
      ['authz_user_module', 'mod_authz_user.so'],
      ['alias_module', 'mod_alias.so'],
      ['cgi_module', 'mod_cgi.so'],
      ['auth_openidc_module', 'mod_auth_openidc.so'],
    ];
    return [
      `ServerRoot ${this.dir}`,
      `ServerName ${this.host}`,
      `DefaultRuntimeDir ${this.dir}`,
      `PidFile ${this.dir}/httpd.pid`,
      `ErrorLog ${this.dir}/error.log`,
      'LogLevel warn auth_openidc:info',
      `Listen 127.0.0.1:${this.port}`,
      ...runAs,
      ...modules.map(([name, file]) => `LoadModule ${name} ${MODULES}/${file}`),
      `DocumentRoot ${this.dir}`,
      `OIDCProviderMetadataURL ${client.metadataUrl}`,
      `OIDCOutgoingProxy ${client.outgoingProxy}`,
      `OIDCClientID ${client.clientId}`,
      `OIDCClientSecret ${client.clientSecret}`,
      `OIDCRedirectURI ${this.redirectUri}`,
      `OIDCCryptoPassphrase ${randomBytes(32).toString('hex')}`,
      'OIDCScope "openid profile roles"',
      'OIDCPKCEMethod S256',
      'OIDCPassClaimsAs environment',
      `ScriptAlias /protected/claims ${this.dir}/claims.cgi`,
      '<Location /protected>',
      '  AuthType openid-connect',
      '  Require valid-user',
      '</Location>',
      '',
    ].join('\n');
  }

  private async listening(): Promise<void> {
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const open = await new Promise<boolean>((resolve) => {
        const socket = connect(this.port, '127.0.0.1');
        socket.once('connect', () => {
          socket.end();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (open) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`apache2 did not listen on 127.0.0.1:${this.port}:\n${this.errorLog()}`);
  }
}
