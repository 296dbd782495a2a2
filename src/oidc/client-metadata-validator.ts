import { Injectable } from '@nestjs/common';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { errors, type AdapterPayload, type ClientMetadata } from 'oidc-provider';
import { AppConfig } from '../config/app-config';
import { INTROSPECTION_RESOURCES } from './introspection-policy';
import { OidcError, OidcErrorCode } from './oidc.error';
import { outboundUriProblem } from './outbound-uri-rule';
import { providerConfiguration } from './provider-configuration';
import { SIGNING_KEY_KINDS, SigningKeyPurpose } from '../signing-keys/signing-key-kinds';

/** The metadata fields a registration can set, which a refusal names. */
const FIELDS = [
  'redirect_uris',
  'post_logout_redirect_uris',
  'backchannel_logout_uri',
  'grant_types',
  'response_types',
  'token_endpoint_auth_method',
  'id_token_signed_response_alg',
  'jwks_uri',
  'jwks',
  INTROSPECTION_RESOURCES,
];

/** The field a provider message is about: the first one it names (its messages start with the field). */
function fieldOf(message: string): string | undefined {
  const named = FIELDS.map((field) => ({
    field,
    at: new RegExp(`(?<![\\w.])${field}(?!\\w)`).exec(message)?.index,
  })).filter((entry): entry is { field: string; at: number } => entry.at !== undefined);
  named.sort((a, b) => a.at - b.at);
  return named[0]?.field ?? (/JSON Web Key Set/.test(message) ? 'jwks' : undefined);
}

/**
 * Refuses, before it is stored, client metadata the provider would refuse when it loads the client (every
 * authorization, token request and logout would then fail): the provider's own rules, asked of the provider.
 * Its refusals become `OIDC_INVALID_CLIENT_METADATA` naming the field.
 */
@Injectable()
export class ClientMetadataValidator {
  private rules?: Promise<Provider>;

  constructor(private readonly config: AppConfig) {}

  async validate(metadata: AdapterPayload): Promise<void> {
    for (const field of ['backchannel_logout_uri', 'jwks_uri'] as const) {
      const uri = metadata[field];
      const problem = typeof uri === 'string' ? outboundUriProblem(uri) : undefined;
      if (problem !== undefined)
        throw new OidcError(OidcErrorCode.InvalidClientMetadata, `${field} ${problem}`, field);
    }
    const served = metadata[INTROSPECTION_RESOURCES];
    const unknown = Array.isArray(served)
      ? served.filter((resource) => !this.config.oidc.resources.includes(resource as string))
      : [];
    if (unknown.length > 0)
      throw new OidcError(
        OidcErrorCode.InvalidClientMetadata,
        `${INTROSPECTION_RESOURCES} must only contain resources listed in OIDC_RESOURCES (${unknown.join(', ')} is not)`,
        INTROSPECTION_RESOURCES,
      );
    this.rules ??= this.build().catch((error: unknown) => {
      this.rules = undefined;
      throw error;
    });
    const provider = await this.rules;
    try {
      await provider.Client.validate(metadata as ClientMetadata);
    } catch (error) {
      if (!(error instanceof errors.InvalidClientMetadata)) throw error;
      const description = String(error.error_description ?? error.message);
      const cause = typeof error.error_detail === 'string' ? error.error_detail : undefined;
      const detail = cause === undefined ? description : `${description}: ${cause}`;
      throw new OidcError(OidcErrorCode.InvalidClientMetadata, detail, fieldOf(detail));
    }
  }

  /**
   * A provider with the serving one's configuration and throwaway keys of the same algorithms (which algorithms a
   * client may ask for depends on the keys): its rules, none of its state.
   */
  private async build(): Promise<Provider> {
    const jwks: JWK[] = [];
    for (const { alg } of SIGNING_KEY_KINDS.filter(
      (kind) => kind.purpose === SigningKeyPurpose.OpenId,
    )) {
      const { privateKey } = await generateKeyPair(alg, { extractable: true });
      jwks.push({ ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `rules-${alg}` });
    }
    const unused = (): never => {
      throw new Error('The provider that checks client metadata serves no request');
    };
    return new Provider(
      `${this.config.publicUrl ?? 'http://localhost'}/oidc`,
      providerConfiguration(this.config, jwks, {
        adapter: unused,
        findAccount: unused,
        aegisSessionEnded: unused,
        resourceIntrospected: unused,
        fetch: unused,
      }),
    );
  }
}
