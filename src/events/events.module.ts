import { Global, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { EventBus } from './event-bus';
import { PrincipalChangePublisher } from './principal-change-publisher';

/**
 * Cross-feature events, typed (AppEvents) over the application's event emitter, for the app and the CLI alike.
 * Infrastructure: knows no feature.
 */
@Global()
@Module({
  imports: [EventEmitterModule.forRoot()],
  providers: [EventBus, PrincipalChangePublisher],
  exports: [EventEmitterModule, EventBus, PrincipalChangePublisher],
})
export class EventsModule {}
