// type-graphql calls Reflect.getMetadata even when every type is explicit (esbuild emits none).
import 'reflect-metadata';
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { formatRate, microToUsd, parseRate, usdToMicro, type MicroUsd } from '@relay/core';

function literalString(ast: ValueNode, scalar: string): string {
  if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return ast.value;
  throw badScalar(`${scalar} must be a decimal string`);
}

/**
 * Bad scalar input must be a GraphQLError with BAD_USER_INPUT: Apollo answers anything else thrown
 * from parseValue as a 500 internal error.
 */
function badScalar(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

function parseUsd(v: unknown): MicroUsd {
  if (typeof v !== 'string' && typeof v !== 'number') throw badScalar('USD must be a decimal string such as "12.5"');
  try {
    return usdToMicro(String(v));
  } catch {
    throw badScalar(`USD must be a decimal string with at most 6 decimals, got ${JSON.stringify(String(v))}`);
  }
}

/**
 * Money: a decimal string in US dollars, exact to the micro-dollar ("0.001500"). Inside the
 * server the value is integer micro-USD, so no float ever touches money.
 */
export const UsdScalar = new GraphQLScalarType<MicroUsd, string>({
  name: 'USD',
  description: 'An amount in US dollars as a decimal string with up to 6 decimals (exact to the micro-dollar), e.g. "0.001500".',
  serialize: (v) => {
    if (typeof v === 'number' && Number.isSafeInteger(v)) return microToUsd(v);
    throw new TypeError('USD: internal value must be integer micro-USD');
  },
  parseValue: parseUsd,
  parseLiteral: (ast) => parseUsd(literalString(ast, 'USD')),
});

function parseRateString(v: unknown): string {
  if (typeof v !== 'string' && typeof v !== 'number') throw badScalar('Rate must be a decimal string such as "1.25"');
  try {
    return formatRate(parseRate(String(v)));
  } catch {
    throw badScalar(`Rate must be a non-negative decimal with at most 4 decimals, got ${JSON.stringify(String(v))}`);
  }
}

/**
 * A price rate (multiplier on the base price): a decimal string with at most 4 decimals. Inside
 * the server it is the canonical 4-decimal string stored in the `decimal(10,4)` column.
 */
export const RateScalar = new GraphQLScalarType<string, string>({
  name: 'Rate',
  description: 'A price multiplier as a decimal string with at most 4 decimals, e.g. "1.25" (1 = list price).',
  serialize: (v) => {
    if (typeof v === 'number') return formatRate(v);
    return parseRateString(v);
  },
  parseValue: parseRateString,
  parseLiteral: (ast) => parseRateString(literalString(ast, 'Rate')),
});

/** ISO-8601 date-time (graphql-scalars). */
export const DateTimeScalar = DateTimeResolver;
