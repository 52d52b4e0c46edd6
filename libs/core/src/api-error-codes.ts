/**
 * The codes the control plane's GraphQL API puts in `extensions.code`: a contract between the
 * server (which throws them) and the admin app (which translates every one of them). Shared here
 * so the admin's tests read the server's list without importing the control plane.
 */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  LIMIT_EXCEEDED = 'LIMIT_EXCEEDED',
}
