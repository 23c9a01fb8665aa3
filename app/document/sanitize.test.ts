import { expect, test } from 'vitest'
import { sanitizeNarrativeHtml } from './sanitize.ts'

test('keeps what the editor produces', () => {
  const html =
    '<h2 dir="ltr">Plan</h2><p><b><strong>b</strong></b><a href="https://e.com/x?a=1" target="_blank" rel="noopener" title="T">l</a>' +
    '<a href="/narratives/1">r</a><a href="mailto:a@b.c">m</a>' +
    '<span class="ref-chip ref-chip-metric" data-chip-kind="metric" data-ref-id="6f1c1b9e-8a3f-4a55-9a57-2f5d0d3c9a11" data-ref-key="pipeline">Pipeline</span></p>' +
    '<ul><li role="checkbox" aria-checked="true" value="1">c</li></ul><ol start="3"><li value="3">n</li></ol><hr>' +
    '<table><tbody><tr><th colspan="2">h</th></tr><tr><td>d</td></tr></tbody></table><blockquote>q<br></blockquote>'
  // The same markup (void elements written as `<hr />`).
  expect(sanitizeNarrativeHtml(html)).toBe(html.replace('<hr>', '<hr />').replace('<br>', '<br />'))
})

test.each([
  ['an element named by a crafted tag', '<img src=x onerror=alert(1)>x</img src=x onerror=alert(1)>', 'x'],
  [
    'a style block closed early by a chip value',
    '<style><span data-ref-id="</style><meta http-equiv=refresh content=0;url=//evil>">x</span></style>',
    '"&gt;x',
  ],
  ['a meta refresh', '<p>a<meta http-equiv="refresh" content="0;url=//evil"></p>', '<p>a</p>'],
  ['a full-screen overlay', '<p><span style="position:fixed;inset:0;z-index:9999">x</span></p>', '<p><span>x</span></p>'],
  ['event handlers', '<p onclick="alert(1)"><a href="https://e.com" onmouseover="x()">l</a></p>', '<p><a href="https://e.com">l</a></p>'],
  [
    'javascript: and protocol-relative links',
    '<a href="javascript:alert(1)">a</a><a href="//evil.example/">b</a><a href="data:text/html,x">c</a>',
    '<a>a</a><a>b</a><a>c</a>',
  ],
  ['scripts and frames', '<script>alert(1)</script><iframe src="https://evil"></iframe><p>ok</p>', '<p>ok</p>'],
  ['a foreign class', '<span class="ref-chip overlay">x</span>', '<span class="ref-chip">x</span>'],
])('removes %s', (_name, dirty, clean) => {
  expect(sanitizeNarrativeHtml(dirty)).toBe(clean)
})

test('keeps a block’s text-align keyword and drops every other style, and any other value', () => {
  expect(sanitizeNarrativeHtml('<h2 style="text-align:center">A</h2>')).toBe('<h2 style="text-align:center">A</h2>')
  expect(sanitizeNarrativeHtml('<p style="text-align:center;position:fixed;inset:0">A</p>')).toBe('<p style="text-align:center">A</p>')
  expect(sanitizeNarrativeHtml('<p style="text-align:expression(alert(1))">A</p>')).toBe('<p>A</p>')
  expect(sanitizeNarrativeHtml('<span style="text-align:center">A</span>')).toBe('<span>A</span>')
})
