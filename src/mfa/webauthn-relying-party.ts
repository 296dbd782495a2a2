import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/** Who the passkeys belong to, for one ceremony. */
export interface RelyingParty {
  /** The RP ID: a credential made for it works on its host and every host under it. */
  id: string;
  /** What authenticators show beside the account name. */
  name: string;
  /** Page origins whose answers are accepted (clientDataJSON.origin). */
  origins: string[];
}

/**
 * The WebAuthn relying party: the host of PUBLIC_URL (or WEBAUTHN_RP_ID) and the origin of PUBLIC_URL plus
 * WEBAUTHN_ORIGINS. Outside production without PUBLIC_URL, the request's own origin stands in, as for the
 * cross-origin check. The origin is what makes a passkey phishing-proof: the browser writes it into the signed
 * client data, and an answer collected by another site never verifies here.
 */
@Injectable()
export class WebAuthnRelyingParty {
  private readonly configuredId?: string;
  private readonly publicOrigin?: string;
  private readonly extraOrigins: string[];
  private readonly name: string;

  constructor(config: AppConfig) {
    this.configuredId = config.webauthn.rpId;
    this.publicOrigin = config.publicUrl;
    this.extraOrigins = config.webauthn.extraOrigins;
    this.name = config.publicUrl ? `Aegis (${new URL(config.publicUrl).host})` : 'Aegis';
  }

  /** The relying party for a request that reached Aegis at `requestOrigin` (read only without PUBLIC_URL). */
  of(requestOrigin: string | undefined): RelyingParty {
    const own = this.publicOrigin ?? requestOrigin ?? 'http://localhost';
    return {
      id: this.configuredId ?? new URL(own).hostname,
      name: this.name,
      origins: [...new Set([own, ...this.extraOrigins])],
    };
  }
}
