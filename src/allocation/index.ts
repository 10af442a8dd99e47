export { allocate, Allocator, DEFAULT_EPSILON, type Allocation, type Consumer } from "./allocator.js";
export { DEFAULT_IDENTITY_LABELS, targetIdentity } from "./identity.js";
