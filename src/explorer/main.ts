import { render } from "preact";
import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { html } from "htm/preact";
import { App } from "./app/App.ts";

render(html`<${App} />`, document.getElementById("app")!);
