/**
 * Go's crypto/tls names, as exporter-toolkit reads them, mapped to what Node's TLS (OpenSSL) calls the same
 * thing. The cipher list is Go's tls.CipherSuites() of the Go that builds Prometheus 2.42 (the suites Go
 * calls secure); a name outside these maps is a config error, never ignored.
 */

/** Go cipher-suite name → OpenSSL name. The TLS 1.3 suites are accepted but, as in Go, not configurable. */
export const GO_CIPHER_SUITES: ReadonlyMap<string, { readonly openssl: string; readonly tls13: boolean }> = new Map([
  ["TLS_RSA_WITH_AES_128_CBC_SHA", { openssl: "AES128-SHA", tls13: false }],
  ["TLS_RSA_WITH_AES_256_CBC_SHA", { openssl: "AES256-SHA", tls13: false }],
  ["TLS_RSA_WITH_AES_128_GCM_SHA256", { openssl: "AES128-GCM-SHA256", tls13: false }],
  ["TLS_RSA_WITH_AES_256_GCM_SHA384", { openssl: "AES256-GCM-SHA384", tls13: false }],
  ["TLS_AES_128_GCM_SHA256", { openssl: "TLS_AES_128_GCM_SHA256", tls13: true }],
  ["TLS_AES_256_GCM_SHA384", { openssl: "TLS_AES_256_GCM_SHA384", tls13: true }],
  ["TLS_CHACHA20_POLY1305_SHA256", { openssl: "TLS_CHACHA20_POLY1305_SHA256", tls13: true }],
  ["TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", { openssl: "ECDHE-ECDSA-AES128-SHA", tls13: false }],
  ["TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", { openssl: "ECDHE-ECDSA-AES256-SHA", tls13: false }],
  ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", { openssl: "ECDHE-RSA-AES128-SHA", tls13: false }],
  ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", { openssl: "ECDHE-RSA-AES256-SHA", tls13: false }],
  ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", { openssl: "ECDHE-ECDSA-AES128-GCM-SHA256", tls13: false }],
  ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", { openssl: "ECDHE-ECDSA-AES256-GCM-SHA384", tls13: false }],
  ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", { openssl: "ECDHE-RSA-AES128-GCM-SHA256", tls13: false }],
  ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", { openssl: "ECDHE-RSA-AES256-GCM-SHA384", tls13: false }],
  ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", { openssl: "ECDHE-RSA-CHACHA20-POLY1305", tls13: false }],
  ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", { openssl: "ECDHE-ECDSA-CHACHA20-POLY1305", tls13: false }],
]);

/** Go's TLS 1.3 suites, always on in Go whatever cipher_suites says. */
export const TLS13_SUITES = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

/** exporter-toolkit's curve names → OpenSSL group names (Node's `ecdhCurve`). */
export const GO_CURVES: ReadonlyMap<string, string> = new Map([
  ["CurveP256", "P-256"],
  ["CurveP384", "P-384"],
  ["CurveP521", "P-521"],
  ["X25519", "X25519"],
]);

export type GoTlsVersion = "TLS10" | "TLS11" | "TLS12" | "TLS13";

/** Ordered, so min/max can be compared. */
export const GO_TLS_VERSIONS: Readonly<Record<GoTlsVersion, number>> = { TLS10: 10, TLS11: 11, TLS12: 12, TLS13: 13 };

export const NODE_TLS_VERSIONS = { TLS10: "TLSv1", TLS11: "TLSv1.1", TLS12: "TLSv1.2", TLS13: "TLSv1.3" } as const satisfies Record<GoTlsVersion, string>;
