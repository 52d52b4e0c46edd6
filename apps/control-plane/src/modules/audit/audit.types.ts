import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { AuditLog } from '@relay/db';
import { DateTimeScalar } from '../../graphql/scalars.ts';
import { Paged } from '../../graphql/pagination.ts';

@ObjectType('AuditLog', { description: 'One recorded admin action: who did what to which object, with before/after images (secrets masked).' })
export class AuditLogType {
  @Field(() => ID, { description: 'Audit entry id.' })
  id!: string;

  @Field(() => ID, { nullable: true, description: 'Id of the user who acted; null for system actions.' })
  actorId!: string | null;

  @Field(() => String, { description: 'Username of the actor at the time ("system" for background actions).' })
  actorName!: string;

  @Field(() => String, { description: 'What was done, e.g. "user.update".' })
  action!: string;

  @Field(() => String, { description: 'Kind of object acted on, e.g. "user".' })
  targetType!: string;

  @Field(() => String, { nullable: true, description: 'Id of the object acted on.' })
  targetId!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The object before the change (secrets masked).' })
  before!: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The object after the change (secrets masked).' })
  after!: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'Client IP of the request.' })
  ip!: string | null;

  @Field(() => DateTimeScalar, { description: 'When it happened.' })
  createdAt!: Date;

  static from(log: AuditLog): AuditLogType {
    return Object.assign(new AuditLogType(), {
      id: String(log.id),
      actorId: log.actorId === null ? null : String(log.actorId),
      actorName: log.actorName,
      action: log.action,
      targetType: log.targetType,
      targetId: log.targetId,
      before: log.before,
      after: log.after,
      ip: log.ip,
      createdAt: log.createdAt,
    });
  }
}

@ObjectType({ description: 'A page of audit entries, newest first.' })
export class PagedAuditLogs extends Paged(AuditLogType, 'audit entries') {}
