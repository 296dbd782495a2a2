import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoginChallenge } from './login-challenge.entity';
import { LoginChallengesRepository } from './login-challenges.repository';
import { LoginChallengesService } from './login-challenges.service';

/** The state between a login's password and its second factor: for the app and the CLI (an MFA reset ends it). */
@Module({
  imports: [TypeOrmModule.forFeature([LoginChallenge])],
  providers: [LoginChallengesRepository, LoginChallengesService],
  exports: [LoginChallengesRepository, LoginChallengesService],
})
export class LoginChallengeModule {}
