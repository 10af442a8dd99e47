/**
 * Reads a promsd http_sd body (final view: one `{"targets":[…],"labels":{…}}` group per target) as it
 * streams in, without holding or parsing it whole (at 400,000 targets it is hundreds of megabytes): counts
 * the targets and collects the changes the bench marked, as `<pod>@<sent_at>` keys.
 */

const GROUP_START = '{"targets":';
const POD_LABEL = '"pod":"';
const SENT_AT_LABEL = '"sent_at":"';

export interface SdScan {
  readonly targets: number;
  /** `<pod>@<sent_at>` of every target that carries the bench's sent-at label → its sent-at in ms. */
  readonly changes: ReadonlyMap<string, number>;
}

/** Feed decoded text with push(), in any chunking; end() returns what the whole body held. */
export class SdBodyScanner {
  #pending = "";
  #targets = 0;
  readonly #changes = new Map<string, number>();

  push(text: string): void {
    const all = this.#pending + text;
    // Only whole groups are scanned: the last group start may be followed by an incomplete group.
    const cut = all.lastIndexOf(GROUP_START);
    if (cut <= 0) {
      this.#pending = all;
      return;
    }
    this.#scanGroups(all.slice(0, cut));
    this.#pending = all.slice(cut);
  }

  end(): SdScan {
    this.#scanGroups(this.#pending);
    this.#pending = "";
    return { targets: this.#targets, changes: this.#changes };
  }

  #scanGroups(text: string): void {
    // JSON strings escape their quotes, so GROUP_START never occurs inside a label value.
    const groups = text.split(GROUP_START);
    this.#targets += groups.length - 1;
    for (const group of groups) {
      const sentAt = labelValue(group, SENT_AT_LABEL);
      if (sentAt !== undefined) this.#changes.set(`${labelValue(group, POD_LABEL) ?? "?"}@${sentAt}`, Number(sentAt));
    }
  }
}

/** The value after `prefix` (a `"name":"` label prefix) up to its closing quote; the bench's values need no escapes. */
function labelValue(group: string, prefix: string): string | undefined {
  const from = group.indexOf(prefix);
  if (from < 0) return undefined;
  const start = from + prefix.length;
  return group.slice(start, group.indexOf('"', start));
}
