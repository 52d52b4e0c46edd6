// type-graphql calls Reflect.getMetadata even when every type is explicit (esbuild emits none).
import 'reflect-metadata';
import { Field, InputType, Int, ObjectType, type ClassType } from 'type-graphql';
import { Max, Min } from 'class-validator';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

/** Offset pagination shared by every list query. */
@InputType({ description: 'Which slice of a list to return.' })
export class PageInput {
  @Field(() => Int, { defaultValue: 0, description: 'How many items to skip (≥ 0).' })
  @Min(0)
  offset: number = 0;

  @Field(() => Int, { defaultValue: DEFAULT_PAGE_LIMIT, description: `How many items to return (1–${MAX_PAGE_LIMIT}).` })
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit: number = DEFAULT_PAGE_LIMIT;
}

/** Normalises an optional page argument. */
export function pageOf(page: PageInput | undefined | null): { offset: number; limit: number } {
  return { offset: page?.offset ?? 0, limit: page?.limit ?? DEFAULT_PAGE_LIMIT };
}

/** A page of items with the total count, as returned by list services. */
export interface Page<T> {
  items: T[];
  total: number;
}

/**
 * `Paged<Item>` result type: `{ items, total }`. Declare one per list:
 * `@ObjectType() class PagedUsers extends Paged(UserType, 'users') {}`.
 */
export function Paged<T extends object>(itemType: ClassType<T>, what: string) {
  @ObjectType()
  abstract class PagedClass {
    @Field(() => [itemType], { description: `This page of ${what}.` })
    items!: T[];

    @Field(() => Int, { description: `How many ${what} match the filter in total (all pages).` })
    total!: number;
  }
  return PagedClass;
}
