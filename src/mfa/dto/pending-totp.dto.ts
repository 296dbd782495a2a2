import { ApiProperty } from '@nestjs/swagger';
import type { PendingTotp } from '../totp-enrolment.service';

/** A secret to add to an authenticator app, shown this once; confirm it with a code to enrol it. */
export class PendingTotpDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    description: 'Base32, for typing into an app by hand',
    example: 'JBSWY3DPEHPK3PXP',
  })
  secret!: string;
  @ApiProperty({
    example: 'otpauth://totp/Aegis:alice?issuer=Aegis&secret=…&algorithm=SHA1&digits=6&period=30',
  })
  otpauth_uri!: string;
  @ApiProperty({ description: 'The otpauth URI as a QR code (an SVG document)' })
  qr_svg!: string;

  static from(pending: PendingTotp): PendingTotpDto {
    return {
      id: pending.id,
      secret: pending.secret,
      otpauth_uri: pending.otpauthUri,
      qr_svg: pending.qrSvg,
    };
  }
}
