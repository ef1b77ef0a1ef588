/** A reference to a user owned by the users subgraph; the router resolves the rest. */
export interface UserRef {
  id: string;
}

/** The caller of a request: anonymous, or a user proven by a JWT. */
export type Viewer = { kind: 'anonymous' } | { kind: 'user'; id: string };

export const anonymous: Viewer = { kind: 'anonymous' };
