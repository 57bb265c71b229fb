/// The pages' one style sheet, served at `/static/app.css` (the Content-Security-Policy allows
/// no inline style). Logical properties (`inline-start`, not `left`) so that the Arabic pages
/// mirror; a single column on a phone; colours with at least 4.5:1 contrast; a visible focus
/// ring for keyboard use.
enum WebStyles {
    static let css = """
        :root { --ink: #1b1b1b; --muted: #4a4a4a; --line: #c8c8c8; --accent: #0b5394; --bad: #a4141b;
          --paper: #ffffff; --band: #f1f3f5; font-family: system-ui, "Noto Sans", "Noto Sans Arabic",
          "Noto Sans Armenian", sans-serif; color: var(--ink); background: var(--paper); }
        body { margin: 0; line-height: 1.5; }
        a { color: var(--accent); }
        a:focus, button:focus, input:focus, select:focus { outline: 3px solid #e8a317; outline-offset: 2px; }
        .skip { position: absolute; inset-inline-start: -100vw; }
        .skip:focus { inset-inline-start: 0.5rem; top: 0.5rem; background: var(--paper); padding: 0.5rem; }
        header { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; padding: 0.75rem 1rem;
          background: var(--band); border-block-end: 1px solid var(--line); }
        header nav { display: flex; gap: 1rem; }
        .brand { font-weight: 700; text-decoration: none; color: var(--ink); }
        .languages { margin-inline-start: auto; }
        .languages a[aria-current] { font-weight: 700; text-decoration: none; color: var(--ink); }
        .signout { display: flex; gap: 0.5rem; align-items: center; }
        main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.6rem; margin-block: 0.5rem 1rem; }
        h2 { font-size: 1.25rem; margin-block: 1.5rem 0.5rem; border-block-end: 1px solid var(--line); }
        h3 { font-size: 1.05rem; margin-block: 1rem 0.25rem; }
        .stack { display: grid; gap: 0.5rem; max-width: 22rem; }
        .filters { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: end; margin-block-end: 1rem; }
        .field { display: grid; gap: 0.2rem; }
        input, select, button { font: inherit; padding: 0.4rem 0.5rem; border: 1px solid var(--muted);
          border-radius: 4px; background: var(--paper); color: var(--ink); }
        button { background: var(--accent); color: #ffffff; border-color: var(--accent); cursor: pointer; }
        .error { color: var(--bad); font-weight: 600; }
        .ok { color: #1e6b30; font-weight: 600; }
        .stack.wide { max-width: 40rem; }
        fieldset { border: 1px solid var(--line); border-radius: 4px; }
        .check { display: flex; gap: 0.5rem; align-items: center; }
        dl.definitions { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem;
          color: var(--muted); font-size: 0.9em; margin: 0; }
        dl.definitions dd { margin: 0; }
        button.secondary { background: var(--paper); color: var(--accent); }
        .hint { color: var(--muted); font-size: 0.9em; margin: 0; }
        .notice { background: #e7f1fb; border-inline-start: 4px solid var(--accent); padding: 0.5rem 0.75rem; }
        .row { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; }
        .row > .field { flex: 1 1 12rem; }
        fieldset { display: grid; gap: 0.5rem; min-inline-size: 0; }
        .field { min-inline-size: 0; grid-template-columns: minmax(0, 1fr); }
        input, select, textarea { max-inline-size: 100%; box-sizing: border-box; }
        ul.actions { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; list-style: none; padding: 0; }
        .dropzone { border: 2px dashed var(--muted); border-radius: 6px; padding: 1rem; text-align: center; }
        .dropzone.over { border-color: var(--accent); background: #e7f1fb; }
        ol.uploads { padding-inline-start: 1.25rem; }
        ol.uploads li { display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; align-items: center;
          margin-block: 0.5rem; }
        ol.uploads .name { font-weight: 600; overflow-wrap: anywhere; }
        ol.uploads .status.error { color: var(--bad); }
        ol.uploads .status.ok { color: #1e6b30; }
        progress { inline-size: 100%; max-inline-size: 24rem; block-size: 1rem; }
        .map { block-size: min(70vh, 40rem); min-block-size: 20rem; border: 1px solid var(--line); }
        .map.offline { background: #dbe9f5; }
        .c-good { --c: #1a7f37; } .c-fair { --c: #7d6608; } .c-poor { --c: #bc4c00; }
        .c-very-bad { --c: #a4141b; } .c-destroyed { --c: #1b1b1b; } .c-unknown { --c: #57606a; }
        .c-unassessed { --c: #6e7781; }
        .site.c-unassessed, .swatch.c-unassessed { background: #ffffff; border: 3px solid var(--c); }
        .cluster { display: flex; align-items: center; justify-content: center; border-radius: 50%;
          background: var(--c); color: #ffffff; font-weight: 700; font-size: 0.8rem;
          border: 3px solid #ffffff; box-shadow: 0 0 0 1px var(--c); }
        .site { border-radius: 50%; background: var(--c); border: 2px solid #ffffff; box-shadow: 0 0 0 1px var(--c); }
        .site.generalised { border-radius: 2px; outline: 2px dashed #5a3e85; }
        .leaflet-marker-icon:focus { outline: 3px solid #e8a317; outline-offset: 2px; }
        ul.legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; padding: 0; }
        .swatch { display: inline-block; inline-size: 0.9rem; block-size: 0.9rem; border-radius: 50%;
          background: var(--c); margin-inline-end: 0.35rem; vertical-align: middle; }
        .viewer { inline-size: 100%; border: 1px solid var(--line); background: #30343a; }
        .region { font-weight: 600; }
        .viewer canvas { display: block; inline-size: 100%; }
        fieldset.epochs { display: flex; flex-wrap: wrap; gap: 0.25rem 1.5rem; }
        .scale { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
        .scale .gradient { inline-size: 12rem; block-size: 0.9rem; border: 1px solid var(--line);
          background: linear-gradient(to right, #b2182b, #f7f7f7, #2166ac); }
        [dir="rtl"] .scale .gradient { background: linear-gradient(to left, #b2182b, #f7f7f7, #2166ac); }
        .swatch.nodata { background: #8c8c8c; border-radius: 2px; }
        .swipe, .outputs { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
        .swipe figure, .outputs figure { margin: 0; }
        .swipe img, .outputs img { display: block; max-inline-size: 100%; block-size: auto; }
        .swipe.swiping { grid-template-columns: 1fr; position: relative; direction: ltr; inline-size: fit-content;
          max-inline-size: 100%; }
        .swipe.swiping figure { grid-area: 1 / 1; }
        .swipe.swiping figure.before { z-index: 1; clip-path: inset(0 calc(100% - var(--split, 50%)) 0 0); }
        .swipe.swiping figcaption { position: absolute; inset-block-end: 0.25rem; background: rgb(0 0 0 / 0.7);
          color: #ffffff; padding: 0.1rem 0.4rem; }
        .swipe.swiping figure.before figcaption { inset-inline-start: 0.25rem; }
        .swipe.swiping figure.after figcaption { inset-inline-end: 0.25rem; }
        .swipe-controls input[type=range] { inline-size: 100%; max-inline-size: 40rem; }
        .swatch.cell { border-radius: 2px; border: 2px dashed #5a3e85; background: transparent; }
        .actions { display: flex; gap: 0.75rem; }
        textarea { font: inherit; padding: 0.4rem 0.5rem; border: 1px solid var(--muted); border-radius: 4px; }
        section.proposal { border: 1px solid var(--line); border-radius: 6px; padding: 0 1rem 1rem;
          margin-block-end: 1rem; }
        .proposed { font-weight: 600; }
        code.token { overflow-wrap: anywhere; background: var(--band); padding: 0.2rem 0.4rem; }
        .note { color: var(--muted); font-size: 0.9em; }
        .legal { color: var(--muted); max-width: 60rem; }
        .table { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; }
        caption { text-align: start; color: var(--muted); padding-block-end: 0.25rem; }
        th, td { text-align: start; padding: 0.35rem 0.5rem; border-block-end: 1px solid var(--line);
          vertical-align: top; }
        thead th { background: var(--band); }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
        dl.facts dt { font-weight: 600; }
        dl.facts dd { margin: 0; }
        .pages { display: flex; gap: 1rem; margin-block: 1rem; }
        svg.chart { width: 100%; max-width: 40rem; height: auto; }
        svg.chart .grid { stroke: var(--line); }
        svg.chart .axis { fill: var(--muted); font-size: 11px; }
        svg.chart .trend { fill: none; stroke: var(--muted); stroke-width: 2; }
        svg.chart .level-good { fill: #1e7b34; }
        svg.chart .level-fair { fill: #7a6a00; }
        svg.chart .level-poor { fill: #b35900; }
        svg.chart .level-very-bad { fill: #b3261e; }
        svg.chart .level-destroyed { fill: #1b1b1b; }
        @media (max-width: 40rem) {
          header { padding: 0.5rem; }
          .languages { margin-inline-start: 0; }
          dl.facts { grid-template-columns: 1fr; }
          main { padding: 0.5rem; }
        }
        """
}
