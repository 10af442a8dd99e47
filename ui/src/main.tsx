/** The promsd web UI: three pages behind hash routes (#/targets, #/sd, #/debug), one live stream. */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { DebuggerPage } from "./debugger-page";
import { useLive } from "./live";
import { SdPage } from "./sd-page";
import { TargetsPage } from "./targets-page";
import "./style.css";

function parseHash(): { page: string; query: URLSearchParams } {
  const hash = location.hash.replace(/^#\/?/, "");
  const [page = "", query = ""] = hash.split("?", 2);
  return { page: page === "" ? "targets" : page, query: new URLSearchParams(query) };
}

function App() {
  const [route, setRoute] = useState(parseHash);
  const live = useLive();
  useEffect(() => {
    const onChange = (): void => setRoute(parseHash());
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  const link = (page: string, text: string) => (
    <a href={`#/${page}`} class={route.page === page ? "nav selected" : "nav"} data-nav={page}>{text}</a>
  );
  return (
    <>
      <header>
        <h1>promsd</h1>
        <nav>
          {link("targets", "Targets")}
          {link("sd", "Service discovery")}
          {link("debug", "Relabel debugger")}
        </nav>
        <span class={live.connected ? "live on" : "live off"} data-testid="live">{live.connected ? "● live" : "○ offline"}</span>
      </header>
      <main>
        {route.page === "sd" ? <SdPage /> : route.page === "debug" ? <DebuggerPage key={location.hash} query={route.query} /> : <TargetsPage />}
      </main>
    </>
  );
}

const root = document.getElementById("app");
if (root) render(<App />, root);
