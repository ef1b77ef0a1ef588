import type { Deps } from './deps.js';
import type { Authority } from './domain/authority.js';
import { RequestScope } from './domain/request-scope.js';
import type { Viewer } from './domain/users/model.js';

/** What every resolver receives: the request's viewer, loaders and domain services. */
export type RequestContext = RequestScope;

/** Used by HTTP requests and WebSocket operations alike. */
export function createContext(deps: Deps, viewer: Viewer, clientKey: string, authority?: Authority): RequestContext {
  return new RequestScope(deps, viewer, clientKey, authority);
}
