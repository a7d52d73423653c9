/**
 * The one stylesheet of every page (served at /assets/site.css). Colours meet WCAG 2.2 AA contrast (text ≥ 4.5:1 on its
 * background); focus is always visible; nothing depends on colour alone.
 */
export const siteCss = `
:root { --ink: #1b1f24; --muted: #4a525c; --paper: #ffffff; --accent: #0b5cad; --accent-ink: #ffffff;
  --line: #c9d1d9; --warn: #8a1c1c; --warn-bg: #fdecec; --ok: #1d5e2a; --ok-bg: #e8f5eb; --note-bg: #eef4fb; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5;
  color: var(--ink); background: var(--paper); }
main { display: block; max-width: 44rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
.area-operator main { max-width: 72rem; }
main:focus { outline: none; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 1rem 0; }
h2 { font-size: 1.35rem; margin: 2rem 0 .75rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible,
summary:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
.skip { position: absolute; left: -999rem; top: 0; background: var(--ink); color: var(--paper); padding: .5rem 1rem; }
.skip:focus { left: 1rem; z-index: 10; }
header.site { background: var(--ink); color: var(--paper); }
header.site .brand { max-width: 72rem; margin: 0 auto; padding: .75rem 1rem; font-weight: 600; }
footer.site { border-top: 1px solid var(--line); margin-top: 2rem; }
footer.site nav { max-width: 72rem; margin: 0 auto; padding: .75rem 1rem; }
ul.langs { list-style: none; display: flex; gap: 1rem; margin: 0; padding: 0; }
form { margin: 1rem 0; }
fieldset { border: 1px solid var(--line); border-radius: .25rem; padding: 1rem; margin: 0 0 1rem; }
legend { font-weight: 600; padding: 0 .25rem; }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
label.inline { display: inline; font-weight: normal; margin: 0 0 0 .25rem; }
.hint { display: block; color: var(--muted); font-weight: normal; margin: 0 0 .25rem; }
input[type=text], input[type=email], input[type=tel], input[type=password], input[type=number], input[type=date],
input[type=file], select, textarea { font: inherit; width: 100%; max-width: 32rem; padding: .5rem;
  border: 2px solid var(--muted); border-radius: .25rem; background: var(--paper); color: var(--ink); }
textarea { min-height: 6rem; }
input[aria-invalid=true], select[aria-invalid=true], textarea[aria-invalid=true] { border-color: var(--warn); }
button, .button { font: inherit; font-size: 1.05rem; display: inline-block; padding: .6rem 1.2rem; margin: .5rem 1rem .5rem 0;
  border: 2px solid var(--accent); border-radius: .25rem; background: var(--accent); color: var(--accent-ink);
  cursor: pointer; text-decoration: none; }
button.secondary, .button.secondary { background: var(--paper); color: var(--accent); }
button.danger { background: var(--warn); border-color: var(--warn); }
.error-summary, .field-error { color: var(--warn); }
.error-summary { border: 3px solid var(--warn); background: var(--warn-bg); padding: 1rem; margin: 1rem 0; }
.notice { border-left: 6px solid var(--accent); background: var(--note-bg); padding: .75rem 1rem; margin: 1rem 0; }
.notice.ok { border-color: var(--ok); background: var(--ok-bg); }
.notice.warn { border-color: var(--warn); background: var(--warn-bg); }
[hidden] { display: none !important; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
caption { text-align: left; font-weight: 600; margin-bottom: .5rem; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f3f5f7; }
.late { color: var(--warn); font-weight: 600; }
ol.timeline { padding-left: 1.25rem; }
ol.timeline li { margin: .25rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
ul.console-nav, ul.filters { list-style: none; display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.25rem;
  margin: 0 0 1rem; padding: 0; }
ul.console-nav form, ul.console-nav button { display: inline; margin: 0 0 0 .5rem; }
ul.filters [aria-current] { font-weight: 600; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
