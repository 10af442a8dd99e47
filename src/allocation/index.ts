export { allocate, Allocator, DEFAULT_EPSILON, type Allocation, type Consumer } from "./allocator.js";
export { DEFAULT_IDENTITY_LABELS, targetIdentity } from "./identity.js";
export { createMembership, DEFAULT_CONSUMER_TIMEOUT_MS, parseMembershipSpec, type Membership, type MembershipSpec } from "./membership.js";
