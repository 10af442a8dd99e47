/**
 * The shapes the Kubernetes list-watch layer hands to the roles layer (kubernetes.md 2.1, 15). Objects are
 * decoded at the edge into small records holding only the fields the labels need; the raw JSON is never kept.
 */

export interface OwnerReference {
  readonly kind: string;
  readonly name: string;
  readonly controller: boolean;
}

export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly ownerReferences: readonly OwnerReference[];
}

export interface KubeObject {
  readonly metadata: ObjectMeta;
}

/** A resource collection: `/api/v1/pods`, `/apis/discovery.k8s.io/v1/namespaces/ns/endpointslices`, … */
export interface ResourceRef {
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  /** Absent = cluster-wide. */
  readonly namespace?: string;
}

export type InformerEvent<T> = {
  readonly type: "add" | "update" | "delete";
  readonly key: string;
  readonly object: T;
  readonly old?: T;
};

/**
 * A cache of one resource kept current by list-watch. Keys are `<namespace>/<name>`, or `<name>` for
 * cluster-scoped objects. Listeners see every add/update/delete after the cache changed; after a relist
 * (410 Gone) surviving objects come as `update` (as client-go delivers them) and vanished ones as `delete`.
 */
export interface Informer<T extends KubeObject> {
  get(key: string): T | undefined;
  list(): Iterable<T>;
  /** True once the initial list completed. */
  readonly hasSynced: boolean;
  /** Resolves true once synced, false if `signal` aborts first. */
  waitForSync(signal: AbortSignal): Promise<boolean>;
  /** Returns the unsubscribe function. */
  subscribe(listener: (event: InformerEvent<T>) => void): () => void;
}

const EMPTY_RECORD: Readonly<Record<string, string>> = Object.freeze({});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringField(record: Record<string, unknown>, name: string): string {
  const value = record[name];
  return typeof value === "string" ? value : "";
}

/** A string map (labels, annotations); non-string values are skipped. Returns a shared frozen {} when empty. */
export function decodeStringMap(raw: unknown): Readonly<Record<string, string>> {
  if (!isRecord(raw)) return EMPTY_RECORD;
  let out: Record<string, string> | undefined;
  for (const name in raw) {
    const value = raw[name];
    if (typeof value !== "string") continue;
    (out ??= {})[name] = value;
  }
  return out ?? EMPTY_RECORD;
}

function decodeOwnerReferences(raw: unknown): readonly OwnerReference[] {
  if (!Array.isArray(raw) || raw.length === 0) return [];
  const out: OwnerReference[] = [];
  for (const item of raw) {
    if (!isRecord(item)) continue;
    out.push({ kind: stringField(item, "kind"), name: stringField(item, "name"), controller: item["controller"] === true });
  }
  return out;
}

/** Decodes `metadata` of any object; tolerant: missing strings are "", missing maps {} and lists []. */
export function decodeObjectMeta(raw: unknown): ObjectMeta {
  const meta = isRecord(raw) ? raw : {};
  return {
    name: stringField(meta, "name"),
    namespace: stringField(meta, "namespace"),
    uid: stringField(meta, "uid"),
    resourceVersion: stringField(meta, "resourceVersion"),
    labels: decodeStringMap(meta["labels"]),
    annotations: decodeStringMap(meta["annotations"]),
    ownerReferences: decodeOwnerReferences(meta["ownerReferences"]),
  };
}

/** The informer key of an object: `<namespace>/<name>`, or `<name>` when it has no namespace. */
export function objectKey(meta: Pick<ObjectMeta, "name" | "namespace">): string {
  return meta.namespace === "" ? meta.name : `${meta.namespace}/${meta.name}`;
}

/** The collection path of a resource: `/api/v1/pods`, `/api/v1/namespaces/<ns>/pods`, `/apis/<g>/<v>/…`. */
export function collectionPath(resource: ResourceRef): string {
  const root = resource.group === "" ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const ns = resource.namespace === undefined ? "" : `/namespaces/${encodeURIComponent(resource.namespace)}`;
  return `${root}${ns}/${resource.plural}`;
}
