export { createHttpClient, HttpStatusError, redactUrl, type HttpClient, type HttpClientOptions, type HttpRequestOptions, type HttpResponse } from "./http-client.js";
export { PROMSD_USER_AGENT, PROMSD_VERSION } from "./version.js";
