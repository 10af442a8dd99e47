/**
 * Where a value sits in a config file: file, 1-based line, and a YAML path such as
 * `scrape_configs[2].relabel_configs[0].action`. Every ConfigError carries one.
 */
export class ConfigLocation {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly path: string,
  ) {}

  /** The location of map key `key` (line of that entry when known). */
  key(key: string, line?: number): ConfigLocation {
    const simple = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key);
    const part = simple ? key : JSON.stringify(key);
    return new ConfigLocation(this.file, line ?? this.line, this.path ? (simple ? `${this.path}.${part}` : `${this.path}[${part}]`) : part);
  }

  /** The location of sequence element `index`. */
  index(index: number, line?: number): ConfigLocation {
    return new ConfigLocation(this.file, line ?? this.line, `${this.path}[${index}]`);
  }

  /** `file:line: path` (line omitted when unknown, path omitted at the root). */
  describe(): string {
    const where = this.line > 0 ? `${this.file}:${this.line}` : this.file;
    return this.path ? `${where}: ${this.path}` : where;
  }

  static root(file: string): ConfigLocation {
    return new ConfigLocation(file, 0, "");
  }
}
