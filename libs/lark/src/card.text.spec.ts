import { durationParts, escapeLarkMd, formatUtc, mdLink, oneLine, safeLinkUrl, truncateText } from './card.text';
import { cardStrings } from './card.i18n';
import { headerTemplate } from './card.model';

describe('escapeLarkMd', () => {
  it('neutralises mentions, tags and markdown markers', () => {
    expect(escapeLarkMd('<at id=all></at>')).toBe('&lt;at id=all&gt;&lt;/at&gt;');
    expect(escapeLarkMd('**b** ~~s~~ [l](u) `c` \\')).toBe('&#42;&#42;b&#42;&#42; &#126;&#126;s&#126;&#126; &#91;l&#93;(u) &#96;c&#96; &#92;');
    expect(escapeLarkMd('&lt;at&gt; & co')).toBe('&amp;lt;at&amp;gt; & co');
  });

  it('leaves ordinary label values readable', () => {
    expect(escapeLarkMd('node_exporter web-1:9100 /var/log 95%')).toBe('node_exporter web-1:9100 /var/log 95%');
  });
});

describe('truncateText / oneLine', () => {
  it('cuts on code points with an ellipsis', () => {
    expect(truncateText('abcdef', 4)).toBe('abc…');
    expect(truncateText('abc', 3)).toBe('abc');
    expect(truncateText('😀😀😀😀', 3)).toBe('😀😀…');
  });

  it('flattens line breaks', () => {
    expect(oneLine('a\nb\r\n\tc')).toBe('a b c');
  });
});

describe('safeLinkUrl / mdLink', () => {
  it('keeps http(s) links and encodes what would end a markdown link', () => {
    expect(safeLinkUrl('https://x.example/a (b)')).toBe('https://x.example/a%20%28b%29');
    expect(mdLink('Graph', 'http://prom:9090/graph?g0.expr=up')).toBe('[Graph](http://prom:9090/graph?g0.expr=up)');
  });

  it('drops other schemes, credentials, relative and over-long URLs', () => {
    expect(safeLinkUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeLinkUrl('https://u:p@x.example/')).toBeUndefined();
    expect(safeLinkUrl('/relative')).toBeUndefined();
    expect(safeLinkUrl(`https://x.example/${'a'.repeat(100)}`, 50)).toBeUndefined();
    expect(mdLink('Runbook', undefined)).toBeUndefined();
  });
});

describe('times', () => {
  it('formats UTC to the second', () => {
    expect(formatUtc(Date.parse('2024-05-01T18:00:00.123+08:00'))).toBe('2024-05-01T10:00:00Z');
  });

  it('formats durations with the two largest units', () => {
    const en = cardStrings('en').duration;
    const zh = cardStrings('zh').duration;
    expect(en(durationParts(45_000))).toBe('45s');
    expect(en(durationParts(3_930_000))).toBe('1h 5m');
    expect(en(durationParts(3_600_000))).toBe('1h');
    expect(en(durationParts(93_784_000))).toBe('1d 2h');
    expect(en(durationParts(-5))).toBe('0s');
    expect(zh(durationParts(330_000))).toBe('5分钟30秒');
  });
});

describe('headerTemplate', () => {
  it.each([
    ['firing', 'critical', 'red'],
    ['firing', 'CRITICAL', 'red'],
    ['firing', 'warning', 'orange'],
    ['firing', 'info', 'blue'],
    ['firing', 'whatever', 'orange'],
    ['firing', undefined, 'orange'],
    ['resolved', 'critical', 'green'],
  ] as const)('%s %s is %s', (status, severity, template) => {
    expect(headerTemplate(status, severity)).toBe(template);
  });
});
