// Verifies AWS Signature V4 on Bedrock requests, so tests notice a proxy that signs wrongly
// (wrong region, service, path encoding, or unsigned body changes). Opt-in via bedrockCredentials.
import { Sha256 } from '@aws-crypto/sha256-js';
import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { RecordedRequest } from './types.ts';

/** Static AWS credentials the mock accepts for Bedrock. */
export interface AwsCredentials { accessKeyId: string; secretAccessKey: string }

/** Why a signature was refused, as Bedrock reports it (403 + x-amzn-errortype). */
export interface SignatureRejection { errorType: string; message: string }

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function rejection(errorType: string, message: string): SignatureRejection {
  return { errorType, message };
}

/** Recomputes the SigV4 signature of a recorded request; undefined when it is valid. */
export async function checkSigV4(record: RecordedRequest, credentials: AwsCredentials): Promise<SignatureRejection | undefined> {
  const match = AUTHORIZATION.exec(record.headers.authorization ?? '');
  if (!match) return rejection('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const [, accessKeyId, , region, service, signedHeaderList] = match;
  if (accessKeyId !== credentials.accessKeyId) {
    return rejection('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const date = AMZ_DATE.exec(record.headers['x-amz-date'] ?? '');
  if (!date) return rejection('IncompleteSignatureException', 'Missing or malformed X-Amz-Date header');
  const signingDate = new Date(Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6]));

  // The signer trusts x-amz-content-sha256 as the payload hash, so check it against the body as AWS does.
  const declaredHash = record.headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== 'UNSIGNED-PAYLOAD'
    && declaredHash !== createHash('sha256').update(record.rawBody).digest('hex')) {
    return rejection('InvalidSignatureException', 'The provided x-amz-content-sha256 header does not match what was computed.');
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaderList.split(';')) {
    // Over HTTP/2 the AWS SDK signs the :authority pseudo-header; the record keeps it as host.
    const value = name === ':authority' ? record.headers.host : record.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256, applyChecksum: false });
  const [hostname, port] = (record.headers.host ?? '').split(':');
  const signed = await signer.sign({
    method: record.method, protocol: 'http:', hostname, port: port ? Number(port) : undefined,
    path: record.path, query: record.query, headers, body: record.rawBody,
  }, { signingDate });
  if (signed.headers.authorization !== record.headers.authorization) {
    return rejection('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
  return undefined;
}
