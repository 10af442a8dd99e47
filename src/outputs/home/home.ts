/**
 * A placeholder page at `/` until the web UI lands: the jobs, each with links to its JSON endpoints. Every
 * value is HTML-escaped; job names are user data.
 */
import type { TargetsView } from "../../targets/types.js";
import { textResponse, type HttpResponse } from "../http/router.js";

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

export function homePage(targets: TargetsView): HttpResponse {
  const rows = targets.jobNames().map((name) => {
    const job = targets.job(name);
    const q = encodeURIComponent(name);
    const counts = job ? `${job.active.length} active, ${job.droppedCount} dropped, ${job.failed.length} failed` : "not built yet";
    const links = [
      [`/api/v1/sd/${q}`, "http_sd (final)"],
      [`/api/v1/sd/${q}?view=discovered`, "http_sd (discovered)"],
      [`/api/v1/targets?scrapePool=${q}`, "targets"],
    ].map(([href, text]) => `<a href="${escapeHtml(href ?? "")}">${escapeHtml(text ?? "")}</a>`);
    return `<li><b>${escapeHtml(name)}</b> (${escapeHtml(counts)}): ${links.join(" · ")}</li>`;
  });
  const body = [
    "<!doctype html>",
    '<html><head><meta charset="utf-8"><title>promsd</title></head><body>',
    "<h1>promsd</h1>",
    `<ul>${rows.join("")}</ul>`,
    '<p><a href="/api/v1/targets">/api/v1/targets</a> · <a href="/api/v1/scrape_pools">/api/v1/scrape_pools</a> · ',
    '<a href="/api/v1/status/config">/api/v1/status/config</a> · <a href="/metrics">/metrics</a></p>',
    "</body></html>",
  ].join("\n");
  return textResponse(body, 200, "text/html; charset=utf-8");
}
