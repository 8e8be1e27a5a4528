/* Inline SVG glyphs for the ontology's icon names (schema.yaml `icon`), drawn on a 24x24 grid.
   Bundled so the UI needs no icon font or CDN. `CGIcons.node(icon, colour)` is a data: URI for vis-network
   image nodes; `CGIcons.inline(icon, colour)` is markup for the legend and lists. */
(function () {
  "use strict";
  const W = 'fill="#fff"';
  const S = 'fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"';
  const GLYPHS = {
    building: `<path ${W} d="M6 4h12v16h-4v-3h-4v3H6z"/><path fill="#0005" d="M8 6h2v2H8zm4 0h2v2h-2zM8 10h2v2H8zm4 0h2v2h-2zM8 14h2v2H8zm4 0h2v2h-2z"/>`,
    sitemap: `<path ${W} d="M10 3h4v4h-4zM3 16h5v5H3zm6.5 0h5v5h-5zM16 16h5v5h-5z"/><path ${S} d="M12 7v5M5.5 16v-4h13v4M12 12v4"/>`,
    shield: `<path ${W} d="M12 2l8 3v6c0 5-3.4 9.2-8 11-4.6-1.8-8-6-8-11V5z"/>`,
    user: `<circle ${W} cx="12" cy="8" r="4"/><path ${W} d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7z"/>`,
    at: `<circle ${S} cx="12" cy="12" r="3.5"/><path ${S} d="M15.5 12v1.5a2.5 2.5 0 005 0V12a8.5 8.5 0 10-3.3 6.7"/>`,
    bullhorn: `<path ${W} d="M3 10h4l9-5v14l-9-5H3z"/><path ${W} d="M7 14h3l1 6H8z"/><path ${S} d="M19 9.5v5"/>`,
    globe: `<circle ${S} cx="12" cy="12" r="8.5"/><path ${S} d="M3.5 12h17M12 3.5c-3 3.2-3 13.8 0 17M12 3.5c3 3.2 3 13.8 0 17"/>`,
    wallet: `<path ${W} d="M3 7h16a2 2 0 012 2v9a2 2 0 01-2 2H3z"/><path fill="#0005" d="M15 11h6v4h-6z"/><path ${W} d="M4 7l11-3 1 3z"/>`,
    "map-marker": `<path ${W} d="M12 2a7 7 0 00-7 7c0 5 7 13 7 13s7-8 7-13a7 7 0 00-7-7z"/><circle fill="#0005" cx="12" cy="9" r="2.6"/>`,
    "user-secret": `<path ${W} d="M6 8l2-5 4 1.5L16 3l2 5z"/><path ${W} d="M4 9h16v1.5H4z"/><circle ${W} cx="12" cy="13" r="3.5"/><path ${W} d="M4 22c0-4 3.6-6 8-6s8 2 8 6z"/>`,
    gavel: `<path ${W} d="M13.5 2.5l6 6-2.5 2.5-6-6z"/><path ${W} d="M9.5 6.5l6 6-2 2-6-6z"/><path ${S} d="M10.5 12.5L4 19"/><path ${W} d="M3 19h9v2.5H3z"/>`,
    "file-text": `<path ${W} d="M6 2h8l5 5v15H6z"/><path fill="none" stroke="#0006" stroke-width="1.8" stroke-linecap="round" d="M9 11h7M9 14h7M9 17h5"/>`,
    circle: `<circle ${W} cx="12" cy="12" r="6"/>`,
  };

  function glyph(icon) {
    return GLYPHS[icon] || GLYPHS.circle;
  }

  /** A round badge in the type colour with the white glyph, as an SVG string. */
  function badge(icon, colour, size) {
    const s = size || 48;
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${s}" height="${s}" viewBox="-4 -4 32 32">` +
      `<circle cx="12" cy="12" r="15" fill="${colour}" stroke="#ffffff" stroke-width="1.5"/>` +
      `<g transform="translate(2.4 2.4) scale(0.8)">${glyph(icon)}</g></svg>`;
  }

  const cache = new Map();
  function node(icon, colour) {
    const key = icon + colour;
    if (!cache.has(key)) cache.set(key, "data:image/svg+xml;charset=utf-8," + encodeURIComponent(badge(icon, colour, 64)));
    return cache.get(key);
  }

  function inline(icon, colour, size) {
    return badge(icon, colour, size || 18).replace("<svg ", '<svg class="cg-icon" aria-hidden="true" ');
  }

  window.CGIcons = { node, inline, names: Object.keys(GLYPHS) };
})();
