// The page's one stylesheet. It holds no trace text: the Content-Security-Policy allows it by
// the hash of this exact text, so anything injected into it would be refused.

/** The inline `<style>` block of the HTML report. */
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa; --code: #eff2f5;
  --link: #0550ae; --focus: #0969da;
  --ok: #1a7f37; --ok-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5;
  --info: #0550ae; --info-bg: #ddf4ff; --root: #a40e26; --root-bg: #ffd8d3; --io: #8250df;
  --bar: #54aeff; --bar-err: #cf222e; --bar-unknown: #8c959f; --current: #fff3b0;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23; --code: #1f2630;
    --link: #4493f8; --focus: #4493f8;
    --ok: #3fb950; --ok-bg: #12261e; --bad: #f85149; --bad-bg: #2d1315; --warn: #d29922; --warn-bg: #2b2111;
    --info: #4493f8; --info-bg: #121d2f; --root: #ff7b72; --root-bg: #3c1618; --io: #ab7df8;
    --bar: #1f6feb; --bar-err: #da3633; --bar-unknown: #6e7681; --current: #3a3416;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { scroll-padding-top: 4.5rem; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 4rem; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.3rem; margin: 2.5rem 0 .5rem; padding-top: .5rem; border-top: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 .25rem; }
h4 { font-size: 1rem; margin: 1rem 0 .25rem; }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible, section:focus-visible {
  outline: 2px solid var(--focus); outline-offset: 2px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .88em; }
code { background: var(--code); padding: 0 .25em; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem;
  white-space: pre-wrap; overflow-wrap: anywhere; margin: .25rem 0 .5rem; }
pre code { background: none; padding: 0; font-size: 1em; }
.muted, .meta { color: var(--muted); }
.meta { margin: 0 0 .5rem; font-size: .9rem; }
.summary { font-size: 1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: var(--panel); white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.controls { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: center;
  background: var(--bg); border-bottom: 1px solid var(--line); padding: .5rem 0; margin-bottom: 1rem; }
.controls fieldset { border: 0; margin: 0; padding: 0; display: flex; gap: .75rem; align-items: center; }
.controls legend { float: left; margin-right: .5rem; font-weight: 600; }
.controls button { font: inherit; padding: .15rem .6rem; border: 1px solid var(--line); border-radius: 6px;
  background: var(--panel); color: var(--fg); cursor: pointer; }
.badge { display: inline-block; font-size: .78rem; font-weight: 600; padding: 0 .45em; border-radius: 1em;
  border: 1px solid currentColor; vertical-align: .1em; white-space: nowrap; }
.sev-error { color: var(--bad); } .sev-warn { color: var(--warn); } .sev-info { color: var(--info); }
.st-passed { color: var(--ok); } .st-failed { color: var(--bad); } .st-root-cause { color: var(--root); } .st-inherited { color: var(--warn); }
.strip ol { list-style: none; display: flex; flex-wrap: wrap; gap: .35rem; padding: 0; margin: .5rem 0 1rem; }
.strip a { display: flex; flex-direction: column; align-items: center; justify-content: center; min-width: 3.2rem; height: 3.2rem;
  padding: 0 .3rem; border-radius: 6px; border: 2px solid currentColor; text-decoration: none; font-weight: 600; line-height: 1.1; }
.strip a .glyph { font-size: .8rem; font-weight: 400; }
.strip a.st-passed { background: var(--ok-bg); } .strip a.st-failed { background: var(--bad-bg); }
.strip a.st-inherited { background: var(--warn-bg); border-style: dashed; }
.strip a.st-root-cause { background: var(--root-bg); border-width: 3px; }
.strip a:hover { outline: 2px solid var(--focus); }
.legend { font-size: .85rem; color: var(--muted); margin: 0; }
.legend span + span { margin-left: 1rem; }
.box { border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; margin: .75rem 0; background: var(--panel); }
.root-cause { border: 2px solid var(--root); background: var(--root-bg); }
.root-cause > h3 { color: var(--root); }
.turn { border: 1px solid var(--line); border-left: 6px solid currentColor; border-radius: 8px; padding: .75rem 1rem; margin: 1rem 0; color: var(--fg); }
.turn.st-passed { border-left-color: var(--ok); } .turn.st-failed { border-left-color: var(--bad); }
.turn.st-inherited { border-left-color: var(--warn); } .turn.st-root-cause { border-left-color: var(--root); background: var(--root-bg); }
.turn:target, .turn.is-current, .session.is-current > h2 { box-shadow: 0 0 0 3px var(--focus); }
.turn.is-current { background: var(--current); }
.failure { font-weight: 600; margin: .25rem 0 .5rem; }
details { margin: .35rem 0; }
summary { cursor: pointer; font-weight: 600; }
ul.findings, ul.plain, ul.evidence { padding-left: 1.25rem; margin: .25rem 0 .5rem; }
ul.findings { list-style: none; padding-left: 0; }
.finding { border-left: 4px solid var(--line); padding: .25rem .75rem; margin: .5rem 0; background: var(--panel); border-radius: 0 6px 6px 0; color: var(--fg); }
.finding p { margin: .15rem 0; }
.finding.sev-error { background: var(--bad-bg); border-left-color: var(--bad); }
.finding.sev-warn { background: var(--warn-bg); border-left-color: var(--warn); }
.finding.sev-info { background: var(--info-bg); border-left-color: var(--info); }
.finding .where, .finding .rule { color: var(--muted); font-size: .85rem; }
.verdict-fail { color: var(--bad); font-weight: 600; } .verdict-pass { color: var(--ok); font-weight: 600; } .verdict-unknown { color: var(--warn); font-weight: 600; }
.judge { color: var(--warn); }
.error-span { color: var(--bad); }
.dim { opacity: .7; }
.cmd { margin: .15rem 0; }
.wf { width: 100%; height: auto; display: block; margin: .25rem 0; }
.wf text { font-size: 12px; fill: var(--fg); font-family: system-ui, sans-serif; }
.wf text.dur { fill: var(--muted); font-variant-numeric: tabular-nums; }
.wf .axis { stroke: var(--line); stroke-width: 1; }
.wf .bar { fill: var(--bar); }
.wf .bar.err { fill: var(--bar-err); }
.wf .bar.unknown { fill: none; stroke: var(--bar-unknown); stroke-width: 1.5; stroke-dasharray: 4 3; }
.wf .bar.io { stroke: var(--io); stroke-width: 2.5; }
.wf text.err { fill: var(--bad); font-weight: 600; }
.wf .row:hover .bar { opacity: .8; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .controls { display: none !important; }
  .session > h2 { break-before: page; }
  .turn, .finding, .wf, .root-cause { break-inside: avoid; }
  details::details-content { content-visibility: visible; display: block; }
  a { color: inherit; }
}
`;
