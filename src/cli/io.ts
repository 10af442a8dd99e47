/** Where a CLI command writes; the real streams in main.ts, buffers in tests. */
import type { Logger } from "../logging.js";

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Logger for discovery messages (default: logfmt on stderr). */
  readonly logger?: Logger;
}
