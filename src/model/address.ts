/**
 * Go's net.JoinHostPort (spec common.md 3): brackets when the host contains a colon, no validation.
 */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
