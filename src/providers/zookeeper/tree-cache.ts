/**
 * Mirrors one ZooKeeper subtree with watches (spec zookeeper.md 2.2-2.4), level-triggered (STYLE 2.5): a
 * watch notification only queues the node's path; one worker re-reads queued nodes in order, re-arming
 * their watches, and reports each node whose data appeared, changed or vanished. On any failure (root
 * missing, connection or session lost) the cache stops reporting and resyncs later: it walks the whole tree
 * again and reports only the differences, so targets are neither lost nor duplicated across outages.
 */
import { ZK_ERROR, ZooKeeperError, type ZooKeeperClient } from "./client.js";

interface CachedNode {
  data: Buffer | undefined;
  readonly children: Map<string, CachedNode>;
}

export interface TreeCacheEvents {
  /** A node's data appeared or changed (`data` set), or the node is gone (`data` undefined). */
  onNode(path: string, data: Buffer | undefined): void;
  /** The cache entered failure mode (counted in prometheus_treecache_zookeeper_failures_total). */
  onFailure(error: Error): void;
}

export class TreeCache {
  readonly #root: string;
  readonly #client: Pick<ZooKeeperClient, "getData" | "getChildren">;
  readonly #events: TreeCacheEvents;
  #tree: CachedNode | undefined;
  #isFailed = true;
  #isResyncing = false;
  /** Set when the connection or session is lost while a resync walks: its watches are lost with it. */
  #lostDuringResync: Error | undefined;
  readonly #queue = new Set<string>();

  constructor(root: string, client: Pick<ZooKeeperClient, "getData" | "getChildren">, events: TreeCacheEvents) {
    this.#root = root;
    this.#client = client;
    this.#events = events;
  }

  get isFailed(): boolean {
    return this.#isFailed;
  }

  /** Number of cached nodes, each holding a watch (prometheus_treecache_watcher_goroutines). */
  get watchedNodes(): number {
    const count = (node: CachedNode | undefined): number => (node ? 1 + [...node.children.values()].reduce((n, c) => n + count(c), 0) : 0);
    return count(this.#tree);
  }

  /** Whether `path` is this cache's root or below it. */
  covers(path: string): boolean {
    return path === this.#root || path.startsWith(`${this.#root}/`);
  }

  /**
   * Records a watch notification; the node is re-read by the next `processQueue`. Notifications that arrive
   * during a resync are kept too: the walk has already armed (and the server already fired) those watches,
   * so dropping them would lose the change for good.
   */
  markDirty(path: string): void {
    if (!this.#isFailed || this.#isResyncing) this.#queue.add(path);
  }

  hasQueuedWork(): boolean {
    return this.#queue.size > 0;
  }

  /** Re-reads queued nodes. Any error puts the cache into failure mode. */
  async processQueue(): Promise<void> {
    try {
      while (!this.#isFailed && this.#queue.size > 0) {
        const [path] = this.#queue;
        this.#queue.delete(path as string);
        const node = this.#find(path as string);
        if (node) await this.#syncNode(path as string, node);
      }
    } catch (error) {
      this.#fail(error as Error);
    }
  }

  /** Connection or session lost: watches are gone, so stop trusting the cache until the next resync. */
  invalidate(error: Error): void {
    if (this.#isResyncing) this.#lostDuringResync ??= error;
    else if (!this.#isFailed) this.#fail(error);
  }

  /** Walks the whole tree again and reports only what differs from the cached tree. True on success. */
  async resync(): Promise<boolean> {
    const fresh: CachedNode = { data: undefined, children: new Map() };
    const reported: [string, Buffer | undefined][] = [];
    this.#queue.clear(); // the walk reads everything afresh; only notifications from now on matter
    this.#isResyncing = true;
    this.#lostDuringResync = undefined;
    try {
      await this.#walk(this.#root, fresh, (path, data) => reported.push([path, data]), true);
      if (this.#lostDuringResync) throw this.#lostDuringResync;
    } catch (error) {
      this.#fail(error as Error);
      return false;
    } finally {
      this.#isResyncing = false;
    }
    const old = this.#tree;
    this.#tree = fresh;
    this.#isFailed = false;
    diffTrees(this.#root, old, fresh, this.#events.onNode);
    return true;
  }

  #fail(error: Error): void {
    this.#isFailed = true;
    this.#queue.clear();
    this.#events.onFailure(error);
  }

  #find(path: string): CachedNode | undefined {
    if (!this.#tree || !this.covers(path)) return undefined;
    let node: CachedNode | undefined = this.#tree;
    for (const part of path.slice(this.#root.length).split("/").filter((p) => p !== "")) node = node?.children.get(part);
    return node;
  }

  /** Steps 1-4 of zookeeper.md 2.2 for one cached node, reporting changes as they happen. */
  async #syncNode(path: string, node: CachedNode): Promise<void> {
    let data: Buffer;
    let children: string[];
    try {
      data = await this.#client.getData(path, true);
      children = await this.#client.getChildren(path, true);
    } catch (error) {
      if (!(error instanceof ZooKeeperError) || error.code !== ZK_ERROR.noNode) throw error;
      if (path === this.#root) {
        // The root itself vanished: everything below it is gone, then the cache waits for a resync.
        const tree = this.#tree;
        this.#tree = undefined;
        if (tree) reportDeleted(path, tree, this.#events.onNode);
        throw new Error(`path ${path} does not exist`, { cause: error });
      }
      this.#removeFromParent(path);
      return;
    }
    if (node.data === undefined || !node.data.equals(data)) {
      node.data = data;
      this.#events.onNode(path, data);
    }
    for (const [name, child] of node.children) {
      if (!children.includes(name)) {
        node.children.delete(name);
        reportDeleted(`${path}/${name}`, child, this.#events.onNode);
      }
    }
    for (const name of children) {
      if (node.children.has(name)) continue;
      const child: CachedNode = { data: undefined, children: new Map() };
      node.children.set(name, child);
      await this.#syncNode(`${path}/${name}`, child);
    }
  }

  #removeFromParent(path: string): void {
    const cut = path.lastIndexOf("/");
    const parent = this.#find(path.slice(0, cut));
    const name = path.slice(cut + 1);
    const node = parent?.children.get(name);
    if (!parent || !node) return;
    parent.children.delete(name);
    reportDeleted(path, node, this.#events.onNode);
  }

  /** A full read of the subtree at `path` into `node`, with watches; children missing meanwhile are skipped. */
  async #walk(path: string, node: CachedNode, report: (path: string, data: Buffer | undefined) => void, isRoot: boolean): Promise<void> {
    let children: string[];
    try {
      node.data = await this.#client.getData(path, true);
      children = await this.#client.getChildren(path, true);
    } catch (error) {
      if (!isRoot && error instanceof ZooKeeperError && error.code === ZK_ERROR.noNode) {
        node.data = undefined;
        return;
      }
      if (isRoot && error instanceof ZooKeeperError && error.code === ZK_ERROR.noNode) throw new Error(`path ${path} does not exist`, { cause: error });
      throw error;
    }
    report(path, node.data);
    for (const name of children) {
      const child: CachedNode = { data: undefined, children: new Map() };
      await this.#walk(`${path}/${name}`, child, report, false);
      if (child.data !== undefined) node.children.set(name, child);
    }
  }
}

function reportDeleted(path: string, node: CachedNode, onNode: TreeCacheEvents["onNode"]): void {
  for (const [name, child] of node.children) reportDeleted(`${path}/${name}`, child, onNode);
  if (node.data !== undefined) onNode(path, undefined);
}

/** Reports nodes that are new or changed in `fresh`, and nodes of `old` that are gone. */
function diffTrees(path: string, old: CachedNode | undefined, fresh: CachedNode, onNode: TreeCacheEvents["onNode"]): void {
  if (fresh.data !== undefined && (old?.data === undefined || !old.data.equals(fresh.data))) onNode(path, fresh.data);
  for (const [name, child] of fresh.children) diffTrees(`${path}/${name}`, old?.children.get(name), child, onNode);
  for (const [name, child] of old?.children ?? []) {
    if (!fresh.children.has(name)) reportDeleted(`${path}/${name}`, child, onNode);
  }
}
